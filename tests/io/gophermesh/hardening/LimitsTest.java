package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** {@code max_connections} on an http route, and {@code connect_timeout} on http and tcp routes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    @TempDir
    Path dir;

    private static final String GET = "GET /k HTTP/1.1\r\nHost: h\r\n\r\n";

    @Test
    void httpMaxConnectionsKeepsServingItsConnectionsAndRefusesTheNextWith503() throws Exception {
        int port = Ports.free();
        try (RecordingBackend be = new RecordingBackend();
             Mesh mesh = Mesh.start(dir, """
                     "%d": {"max_connections": 2, "backends": [{"internal_port": "%d"}]}""".formatted(port, be.port()));
             Socket c1 = open(port); Socket c2 = open(port)) {
            assertEquals(200, ask(c1).status());
            assertEquals(200, ask(c2).status());
            be.heads().clear();

            long t0 = System.nanoTime();
            Raw.Reply third = Raw.exchange(port, Raw.ascii("GET /third HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
                    Duration.ofSeconds(10));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertNotEquals(Raw.HUNG, third.status(), "a connection over the limit must not hang");
            if (third.status() != Raw.CLOSED) {
                assertEquals(503, third.status(), third.toString());
                assertEquals("1", third.header("Retry-After"));
            }
            assertTrue(millis >= 900, "refused after waiting about a second for a slot, not " + millis + " ms");
            assertNull(be.heads().poll(), "the refused request reached the backend");

            // the two connections the route has keep being served
            assertEquals(200, ask(c1).status());
            assertEquals(200, ask(c2).status());

            c1.close();
            Await.until(Duration.ofSeconds(10), "a slot frees up once a connection closes", () -> {
                try {
                    return Raw.exchange(port, Raw.ascii("GET /later HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
                            Duration.ofSeconds(5)).status() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(mesh.engine.metrics().get(String.valueOf(port)).errors() >= 1, "the refusal is counted");
        }
    }

    @Test
    void httpMaxConnectionsLetsAShortWaitThrough() throws Exception {
        int port = Ports.free();
        try (RecordingBackend be = new RecordingBackend();
             Mesh mesh = Mesh.start(dir, """
                     "%d": {"max_connections": 1, "backends": [{"internal_port": "%d"}]}""".formatted(port, be.port()));
             Socket c1 = open(port)) {
            assertEquals(200, ask(c1).status());
            Thread closer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(100); // the held connection goes away while the next one waits for its slot
                    c1.close();
                } catch (IOException | InterruptedException ignored) {
                    // closed anyway
                }
            });
            Raw.Reply next = Raw.exchange(port, Raw.ascii("GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
                    Duration.ofSeconds(10));
            closer.join();
            assertEquals(200, next.status(), next.toString());
        }
    }

    @Test
    void httpConnectTimeoutGives503AndFailsOverToTheNextBackend() throws Exception {
        try (Blackhole hole = new Blackhole(); Blackhole hole2 = new Blackhole()) {
            assumeTrue(hole.works() && hole2.works(),
                    "this kernel answers SYNs on a full accept queue; connect timeouts cannot be forced");
            int alone = Ports.free();
            int pair = Ports.free();
            try (RecordingBackend be = new RecordingBackend(); LogCapture log = new LogCapture("");
                 Mesh mesh = Mesh.start(dir, """
                         "%d": {"connect_timeout": "300ms", "backends": [{"internal_port": "%d"}]},
                         "%d": {"connect_timeout": "300ms", "backends": [{"name": "hole", "internal_port": "%d"},
                                                                        {"name": "good", "internal_port": "%d"}]}"""
                         .formatted(alone, hole.port(), pair, hole2.port(), be.port()))) {
                long t0 = System.nanoTime();
                Raw.Reply r = Raw.exchange(alone, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(503, r.status(), r.toString());
                assertTrue(r.text().contains("connect timed out after 300ms"), r.text());
                assertTrue(millis >= 250 && millis < 5000, millis + " ms");
                assertTrue(log.messages(Level.WARNING).stream().anyMatch(m -> m.contains("connect timed out")),
                        () -> String.join("\n", log.messages(Level.INFO)));

                for (int i = 0; i < 2; i++) {
                    Raw.Reply ok = Raw.exchange(pair, "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                    assertEquals(200, ok.status(), ok.toString());
                }
            }
        }
    }

    @Test
    void tcpConnectTimeoutClosesTheClientAndFailsOver() throws Exception {
        try (Blackhole hole = new Blackhole(); Blackhole hole2 = new Blackhole()) {
            assumeTrue(hole.works() && hole2.works(),
                    "this kernel answers SYNs on a full accept queue; connect timeouts cannot be forced");
            int alone = Ports.free();
            int pair = Ports.free();
            int echo = Ports.free();
            try (LogCapture log = new LogCapture("");
                 Mesh mesh = Mesh.start(dir, """
                         "%d": {"protocol": "tcp", "connect_timeout": "300ms", "backends": [{"internal_port": "%d"}]},
                         "%d": {"protocol": "tcp", "connect_timeout": "300ms", "load_balance": "round_robin",
                                "backends": [{"name": "hole", "internal_port": "%d"},
                                             {"name": "echo", %s, "internal_port": "%d"}]}"""
                         .formatted(alone, hole.port(), pair, hole2.port(), Mesh.worker("tcp_echo.py", String.valueOf(echo)), echo))) {
                long t0 = System.nanoTime();
                try (Socket s = open(alone)) {
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    int b = readOrReset(s.getInputStream());
                    assertEquals(-1, b, "the client is closed when no backend can be reached");
                }
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(millis >= 250 && millis < 5000, millis + " ms");
                Await.until(Duration.ofSeconds(5), "a log line names the timeout", () -> log.messages(Level.INFO).stream()
                        .anyMatch(m -> m.toLowerCase(java.util.Locale.ROOT).contains("connect timed out")) || dump(log));

                for (int i = 0; i < 2; i++) {
                    try (Socket s = open(pair)) {
                        OutputStream out = s.getOutputStream();
                        out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        assertEquals("ping\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                    }
                }
            }
        }
    }

    private static boolean dump(LogCapture log) {
        log.messages(Level.INFO).forEach(m -> System.out.println("LOG " + m));
        return false;
    }

    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(15_000);
        return s;
    }

    private static Raw.Reply ask(Socket s) throws IOException {
        s.getOutputStream().write(Raw.ascii(GET));
        s.getOutputStream().flush();
        return Raw.read(s.getInputStream());
    }
}
