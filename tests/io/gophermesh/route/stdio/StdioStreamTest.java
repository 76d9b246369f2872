package io.gophermesh.route.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.StdioMode;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** Stream mode (and auto mode): raw bytes both ways, one child per connection. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StdioStreamTest {
    private StdioRoute route;

    @AfterEach
    void closeAndCheckLeaks() {
        if (route != null) {
            route.close(Duration.ofMillis(200));
        }
        Await.until(Duration.ofSeconds(10), "no child left behind", () -> ProcessLeaks.descendants().isEmpty());
    }

    private static String exchange(int port, String payload) throws IOException {
        try (Socket s = HttpProbe.connect(port)) {
            s.getOutputStream().write(payload.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void echoReadsToEofAndAnswers() throws Exception {
        RouteMetrics metrics = new RouteMetrics();
        route = StdioFixture.mode(StdioMode.STREAM).worker("echo.py", "alpha").metrics(metrics).start();
        assertEquals("alpha|hello world", exchange(route.port(), "hello world"));
        assertEquals("alpha|again", exchange(route.port(), "again"));
        Backend backend = route.context().backends().getFirst();
        Await.until(Duration.ofSeconds(5), "two children served", () -> backend.served() == 2);
        assertEquals(0, backend.inFlight());
        RouteMetrics.Snapshot snap = metrics.snapshot();
        assertEquals(2, snap.requests());
        assertEquals(0, snap.errors());
        assertEquals("hello world".length() + "again".length(), snap.bytesIn());
        assertEquals("alpha|hello world".length() + "alpha|again".length(), snap.bytesOut());
    }

    @Test
    void httpLookingPayloadIsPassedRaw() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("echo.py", "raw").start();
        String request = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
        assertEquals("raw|" + request, exchange(route.port(), request));
    }

    @Test
    void modeVariableIsStream() throws Exception {
        route = StdioFixture.mode(null).worker("pid.py").start();
        String answer = exchange(route.port(), "x\n");
        assertTrue(answer.contains("mode=stream"), answer);
    }

    @Test
    void stderrLinesGoToTheLogAfterAPidMarker() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("stderr.py").start();
        assertEquals("done\n", exchange(route.port(), ""));
        Backend backend = route.context().backends().getFirst();
        Await.until(Duration.ofSeconds(5), "exit line logged",
                () -> backend.log().lines().stream().anyMatch(l -> l.contains("exited with code 0")));
        List<String> lines = backend.log().lines();
        long pid = StdioFixture.startedPids(backend).getFirst();
        int marker = indexOf(lines, "[mesh] pid " + pid + " started: " + StdioFixture.PYTHON);
        assertTrue(marker >= 0, lines.toString());
        for (int i = 0; i < 3; i++) {
            int at = indexOf(lines, "[pid " + pid + "] diag line " + i);
            assertTrue(at > marker, "line " + i + " after the marker: " + lines);
        }
        assertTrue(lines.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")),
                "every line has a timestamp: " + lines);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void workerThatNeverReadsStdinStillAnswers() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("noread.py").start();
        try (Socket s = HttpProbe.connect(route.port())) {
            // far more than a pipe holds: the bridge must not stall on the child's full stdin
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    byte[] block = new byte[64 * 1024];
                    for (int i = 0; i < 32; i++) {
                        out.write(block);
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    // the mesh may stop reading once the answer is out
                }
            });
            assertEquals("hi\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            writer.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void clientThatNeverClosesIsLetGoAfterTheOutputEnds() throws Exception {
        RouteMetrics metrics = new RouteMetrics();
        route = StdioFixture.mode(StdioMode.STREAM).worker("noread.py").metrics(metrics).start();
        try (Socket s = HttpProbe.connect(route.port())) {
            assertEquals("hi\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            // the client keeps its socket open: the exchange must still end
            Await.until(Duration.ofSeconds(10), "exchange over", () -> metrics.snapshot().inFlight() == 0
                    && metrics.snapshot().requests() == 1);
            assertEquals(1, route.context().backends().getFirst().served());
        }
    }

    @Test
    void clientDisconnectKillsTheChild() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("forever.py").start();
        Backend backend = route.context().backends().getFirst();
        try (Socket s = HttpProbe.connect(route.port())) {
            InputStream in = s.getInputStream();
            assertTrue(HttpProbe.line(in).startsWith("tick"));
            assertEquals(1, backend.inFlight());
        }
        Await.until(Duration.ofSeconds(10), "child killed after the client left", () -> backend.served() == 1);
        assertEquals(0, backend.inFlight());
        assertTrue(backend.log().lines().stream().anyMatch(l -> l.contains("killed: client disconnected")),
                backend.log().lines().toString());
    }

    @Test
    void requestTimeoutKillsTheChildAndClosesTheConnection() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("forever.py").requestTimeout(Duration.ofMillis(300))
                .start();
        try (Socket s = HttpProbe.connect(route.port())) {
            // whatever the child printed before the timeout arrives; then the connection ends
            String out = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.isEmpty() || out.startsWith("tick 0\n") && out.endsWith("\n"), out);
        }
        Backend backend = route.context().backends().getFirst();
        Await.until(Duration.ofSeconds(5), "timeout logged",
                () -> backend.log().lines().stream().anyMatch(l -> l.contains("killed: request_timeout")));
    }

    @Test
    void missingBinaryFailsOverToTheNextBackend() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).command("ghost", "/nonexistent/ghost-binary")
                .worker("echo.py", "second").start();
        // round robin starts at either backend; both orders must land on the one that starts
        assertEquals("second|a", exchange(route.port(), "a"));
        assertEquals("second|b", exchange(route.port(), "b"));
        Backend ghost = route.context().backends().getFirst();
        assertTrue(ghost.log().lines().stream().anyMatch(l -> l.contains("cannot start /nonexistent/ghost-binary")),
                ghost.log().lines().toString());
        assertEquals(0, ghost.served());
    }

    @Test
    void noBackendStartsClosesTheConnection() throws Exception {
        RouteMetrics metrics = new RouteMetrics();
        route = StdioFixture.mode(StdioMode.STREAM).command("ghost", "/nonexistent/ghost-binary").metrics(metrics)
                .start();
        assertEquals("", exchange(route.port(), "a"));
        Await.until(Duration.ofSeconds(5), "error counted", () -> metrics.snapshot().errors() == 1);
    }

    @Test
    void fullRouteClosesFurtherConnections() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").maxConcurrency(1).start();
        Backend backend = route.context().backends().getFirst();
        try (Socket first = HttpProbe.connect(route.port())) {
            Await.until(Duration.ofSeconds(5), "first child running", () -> backend.inFlight() == 1);
            long start = System.nanoTime();
            assertEquals("", exchange(route.port(), "second\n"));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos(), "waited in the queue first");
            first.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            String answer = HttpProbe.line(first.getInputStream());
            assertTrue(answer.contains("line=one"), answer);
        }
        Await.until(Duration.ofSeconds(5), "first child done", () -> backend.served() == 1);
        // a slot that frees up while a connection waits goes to that connection
        try (Socket first = HttpProbe.connect(route.port())) {
            Await.until(Duration.ofSeconds(5), "child running", () -> backend.inFlight() == 1);
            Thread release = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                    first.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            String answer = exchange(route.port(), "queued\n");
            assertTrue(answer.contains("line=queued"), answer);
            release.join();
        }
    }

    @Test
    void autoModeServesRawStreamsAndSilence() throws Exception {
        route = StdioFixture.mode(StdioMode.AUTO).worker("echo.py", "auto").start();
        assertEquals("auto|hello there", exchange(route.port(), "hello there"));
        assertEquals("auto|GETTING", exchange(route.port(), "GETTING"));
        // a client that waits for the server to speak first: silence means stream
        try (Socket s = HttpProbe.connect(route.port())) {
            Thread.sleep(Sniffer.WINDOW.toMillis() + 100);
            s.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertEquals("auto|late", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void autoModeServesHttp() throws Exception {
        route = StdioFixture.mode(StdioMode.AUTO).worker("echo.py", "auto").start();
        HttpProbe.Response r = HttpProbe.get(route.port(), "/path?q=1");
        assertEquals(200, r.status());
        assertEquals("chunked", r.header("transfer-encoding"));
        assertTrue(r.text().startsWith("[auto] method=GET uri=/path?q=1\nGET /path?q=1 HTTP/1.1\r\n"), r.text());
    }

    @Test
    void closeKillsRunningChildren() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("forever.py").start();
        Backend backend = route.context().backends().getFirst();
        try (Socket s = HttpProbe.connect(route.port())) {
            assertTrue(HttpProbe.line(s.getInputStream()).startsWith("tick"));
            route.close(Duration.ofMillis(100));
            assertFalse(ProcessLeaks.descendants().stream().anyMatch(p -> p.contains("forever.py")),
                    "children killed by close");
            assertEquals(0, backend.inFlight());
        }
    }
}
