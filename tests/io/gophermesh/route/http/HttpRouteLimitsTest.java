package io.gophermesh.route.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteLimitsTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HttpRoute route;
    private TestBackend backend;

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private int start(Routes.Spec spec) throws IOException {
        backend = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok " + req.bodyLength(), "Content-Encoding: gzip");
            return true;
        });
        closeables.add(backend);
        route = spec.backend("a", backend.port()).start();
        return route.port();
    }

    @Test
    void refusesAmbiguousFramingWithoutForwarding() throws Exception {
        int port = start(Routes.spec());
        List<String> framings = List.of(
                "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                "Content-Length: 3\r\nContent-Length: 4\r\n",
                "Content-Length: 3\r\nContent-Length: 3\r\n",
                "Content-Length: 3, 4\r\n",
                "Content-Length: abc\r\n",
                "Content-Length: -3\r\n",
                "Content-Length: +3\r\n",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: gzip\r\n");
        for (String framing : framings) {
            RawHttp.Response r = RawHttp.exchange(port, "POST / HTTP/1.1\r\nHost: h\r\n" + framing
                    + "\r\n0\r\n\r\nabc");

            assertTrue(r.status() == 400 || r.status() == 501, framing + " -> status " + r.status());
            assertEquals("close", r.header("Connection"), framing);
            assertTrue(r.text().length() < 200 && !r.text().contains("Exception"), r.text());
        }
        // requests that were never forwarded leave no trace at the backend, and the next one still works
        assertEquals(200, RawHttp.get(port, "/after").status());
        assertEquals(1, backend.requests().size());
        assertEquals("/after", backend.requests().poll().target());
    }

    @Test
    void refusesARequestTargetWithAFragmentWithoutForwarding() throws Exception {
        int port = start(Routes.spec());
        for (String target : List.of("/#", "/a#b", "/a?x=1#top")) {
            RawHttp.Response r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals(400, r.status(), target);
            assertTrue(r.text().contains("fragment"), r.text());
        }
        assertEquals(200, RawHttp.get(port, "/after").status());
        assertEquals(1, backend.requests().size());
        assertEquals("/after", backend.requests().poll().target());
    }

    @Test
    void answers431ToAnOversizedHeaderBlock() throws Exception {
        Routes.Spec spec = Routes.spec();
        spec.maxHeaderSize = 4096L;
        int port = start(spec);

        RawHttp.Response r = RawHttp.get(port, "/", "X-Big: " + "x".repeat(5000));

        assertEquals(431, r.status());
        assertEquals(0, backend.requests().size());
        assertEquals(200, RawHttp.get(port, "/", "X-Fits: " + "x".repeat(3000)).status());
    }

    @Test
    void answers413ToAnOversizedBody() throws Exception {
        Routes.Spec spec = Routes.spec();
        spec.maxBodySize = 10L;
        int port = start(spec);

        RawHttp.Response r = RawHttp.exchange(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
                + "Connection: close\r\n\r\n01234567890");
        assertEquals(413, r.status());
        assertEquals(0, backend.requests().size());

        RawHttp.Response ok = RawHttp.exchange(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n"
                + "Connection: close\r\n\r\n0123456789");
        assertEquals("ok 10", ok.text());
    }

    @Test
    void closesAClientThatTricklesItsRequestHead() throws Exception {
        Routes.Spec spec = Routes.spec();
        spec.headerTimeout = Duration.ofMillis(500);
        int port = start(spec);

        try (RawHttp c = new RawHttp(port)) {
            c.send("GET /slow HTTP/1.1\r\nHost: h\r\n");
            long t0 = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 100 && !cut; i++) {
                try {
                    c.send("X-Drip-" + i + ": 1\r\n");
                    Thread.sleep(50); // the drip itself; the route is expected to stop it
                } catch (IOException e) {
                    cut = true;
                }
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(cut, "the route let a request head drip for " + millis + " ms");
            assertTrue(millis < 5000, "head took " + millis + " ms before the route gave up");
            String answer;
            try {
                answer = new String(c.in().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException reset) {
                answer = "";
            }
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
        }
        assertEquals(0, backend.requests().size());
    }

    @Test
    void passesContentCodingsThroughUntouched() throws Exception {
        int port = start(Routes.spec());
        byte[] gz = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

        try (RawHttp c = new RawHttp(port)) {
            c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nAccept-Encoding: gzip, deflate\r\n"
                    + "Content-Length: " + gz.length + "\r\n\r\n");
            c.out().write(gz);
            c.out().flush();
            RawHttp.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("gzip", r.header("Content-Encoding"));
            assertEquals("ok " + gz.length, r.text());
        }
        TestBackend.Request seen = backend.requests().poll();
        assertEquals("gzip", seen.header("Content-Encoding"));
        assertArrayEquals(gz, seen.body());
        assertNull(seen.header("Transfer-Encoding"));
    }
}
