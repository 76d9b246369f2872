package io.gophermesh.route.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteFailoverTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private HttpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        never.countDown();
        if (route != null) {
            route.close(Duration.ZERO);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private TestBackend backend(TestBackend.Handler h) throws IOException {
        TestBackend b = new TestBackend(h);
        closeables.add(b);
        return b;
    }

    private TestBackend named(String name) throws IOException {
        return backend((req, in, out) -> {
            TestBackend.respond(out, 200, name);
            return true;
        });
    }

    /** Reads the request, then hangs up without a word. */
    private TestBackend hangingUp() throws IOException {
        return backend((req, in, out) -> false);
    }

    private int start(Routes.Spec spec) throws IOException {
        route = spec.start();
        return route.port();
    }

    @Test
    void failsOverWhenABackendRefusesConnections() throws Exception {
        TestBackend live = named("live");
        int port = start(Routes.spec().backend("dead", Routes.deadPort()).backend("live", live.port()));

        for (int i = 0; i < 4; i++) {
            RawHttp.Response r = RawHttp.get(port, "/" + i);
            assertEquals(200, r.status());
            assertEquals("live", r.text());
        }
        assertEquals(4, live.requests().size());
    }

    @Test
    void roundRobinSpreadsRequestsOverBackends() throws Exception {
        TestBackend a = named("a");
        TestBackend b = named("b");
        int port = start(Routes.spec().backend("a", a.port()).backend("b", b.port()));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(RawHttp.get(port, "/").text());
        }
        Map<String, Long> counts = answers.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertEquals(Map.of("a", 5L, "b", 5L), counts);
        assertEquals(List.of("a", "b", "a", "b"), answers.subList(0, 4));
    }

    @Test
    void answers503WithReasonsWhenNoBackendIsReachable() throws Exception {
        int port = start(Routes.spec().backend("one", Routes.deadPort()).backend("two", Routes.deadPort()));

        RawHttp.Response r = RawHttp.get(port, "/");

        assertEquals(503, r.status());
        assertEquals("1", r.header("Retry-After"));
        String body = r.text();
        assertTrue(body.startsWith("Cold start failed: "), body);
        assertTrue(body.contains("route " + port + " backend one") && body.contains("route " + port + " backend two"),
                body);
        assertTrue(body.contains("connection refused"), body);
        assertFalse(body.contains("Exception") || body.contains("\tat "), body);
        Await.until(Duration.ofSeconds(5), "error counted", () -> route.context().metrics().snapshot().errors() == 1);
    }

    @Test
    void doesNotRetryANonIdempotentRequestThatReachedABackend() throws Exception {
        TestBackend breaker = hangingUp();
        TestBackend other = named("other");
        int port = start(Routes.spec().backend("breaker", breaker.port()).backend("other", other.port()));

        RawHttp.Response r = RawHttp.exchange(port, "POST /pay HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\nabc");

        assertEquals(502, r.status());
        assertTrue(r.text().startsWith("Bad gateway: route " + port + " backend breaker"), r.text());
        assertEquals(1, breaker.requests().size());
        assertEquals(0, other.requests().size());
    }

    @Test
    void retriesAnIdempotentRequestOnTheNextBackend() throws Exception {
        TestBackend breaker = hangingUp();
        TestBackend other = named("other");
        int port = start(Routes.spec().backend("breaker", breaker.port()).backend("other", other.port()));

        RawHttp.Response r = RawHttp.get(port, "/read");

        assertEquals(200, r.status());
        assertEquals("other", r.text());
        assertEquals(1, breaker.requests().size());
        assertEquals(1, other.requests().size());
    }

    @Test
    void answers502WhenTheBackendBreaksTheResponseHead() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Len".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        });
        int port = start(Routes.spec().backend("flaky", b.port()));

        RawHttp.Response r = RawHttp.get(port, "/");

        assertEquals(502, r.status());
        assertTrue(r.text().startsWith("Bad gateway: route " + port + " backend flaky: "), r.text());
        assertEquals(1, r.text().strip().lines().count());
    }

    @Test
    void cutsTheClientOffWhenTheBackendBreaksInsideTheBody() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        });
        int port = start(Routes.spec().backend("flaky", b.port()));

        try (RawHttp c = new RawHttp(port)) {
            c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            RawHttp.Response head = c.readHead();
            assertEquals(200, head.status());
            assertEquals("100", head.header("Content-Length"));
            byte[] got = c.in().readNBytes(100);
            assertTrue(got.length < 100, "the client must see a cut body, got " + got.length);
        }
    }

    @Test
    void answers504WhenTheResponseHeadIsLate() throws Exception {
        TestBackend slow = backend((req, in, out) -> {
            try {
                never.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        Routes.Spec spec = Routes.spec().backend("slow", slow.port());
        spec.responseTimeout = Duration.ofMillis(300);
        int port = start(spec);

        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.get(port, "/");
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(504, r.status());
        assertTrue(r.text().contains("300ms"), r.text());
        assertTrue(millis >= 300 && millis < 10_000, "took " + millis + " ms");
    }

    @Test
    void replacesAPooledConnectionTheBackendHasClosed() throws Exception {
        // answers as if it kept the connection, then hangs up
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok");
            return false;
        });
        int port = start(Routes.spec().backend("a", b.port()));

        for (int i = 0; i < 3; i++) {
            assertEquals(200, RawHttp.get(port, "/" + i).status());
        }
        assertEquals(3, b.requests().size());
        assertEquals(3, b.connections());
    }
}
