package io.gophermesh.route.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pooled backend connections that the backend closed, or wrote to, while they were idle. */
@Timeout(30)
class HttpRoutePoolTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HttpRoute route;

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

    /** Answers with a keep-alive response, then closes the connection anyway. */
    private TestBackend closingAfterEachAnswer() throws IOException {
        TestBackend b = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 200, req.method() + " " + req.target() + " " + req.bodyText());
            return false;
        });
        closeables.add(b);
        return b;
    }

    private int start(TestBackend b) throws IOException {
        route = Routes.spec().backend("a", b.port()).start();
        return route.port();
    }

    @Test
    void getOnAJustClosedPooledConnectionIsSentAgainOnAFreshOne() throws Exception {
        TestBackend b = closingAfterEachAnswer();
        int port = start(b);

        assertEquals("GET /first ", RawHttp.get(port, "/first").text());
        Await.until(Duration.ofSeconds(5), "backend closed its side", () -> b.openConnections() == 0);
        RawHttp.Response r = RawHttp.get(port, "/second");

        assertEquals(200, r.status());
        assertEquals("GET /second ", r.text());
        assertEquals(2, b.requests().size());
        assertEquals(2, b.connections());
    }

    @Test
    void postAfterTheBackendClosedThePooledConnectionIsDeliveredOnce() throws Exception {
        TestBackend b = closingAfterEachAnswer();
        int port = start(b);

        assertEquals("GET /first ", RawHttp.get(port, "/first").text());
        Await.until(Duration.ofSeconds(5), "backend closed its side", () -> b.openConnections() == 0);
        // a request that cannot be replayed is never written to a connection the backend closed
        RawHttp.Response r = RawHttp.exchange(port, "POST /pay HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\nabc");

        assertEquals(200, r.status());
        assertEquals("POST /pay abc", r.text());
        assertEquals(List.of("GET", "POST"), b.requests().stream().map(TestBackend.Request::method).toList());
        assertEquals(2, b.connections());
    }

    @Test
    void bodylessPostAfterTheBackendClosedThePooledConnectionIsDeliveredOnce() throws Exception {
        TestBackend b = closingAfterEachAnswer();
        int port = start(b);

        assertEquals("GET /first ", RawHttp.get(port, "/first").text());
        Await.until(Duration.ofSeconds(5), "backend closed its side", () -> b.openConnections() == 0);
        RawHttp.Response r = RawHttp.exchange(port, "POST /ping HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n");

        assertEquals(200, r.status());
        assertEquals("POST /ping ", r.text());
        assertEquals(2, b.requests().size());
    }

    @Test
    void bytesABackendSentOnAnIdleConnectionAreNeverTakenForTheNextAnswer() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean strayWritten = new java.util.concurrent.atomic.AtomicBoolean();
        TestBackend b = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 200, "real " + req.target());
            if (req.target().equals("/first")) {
                // a misbehaving backend: a second, unasked-for answer on the idle connection
                TestBackend.respond(out, 200, "stray");
                out.flush();
                strayWritten.set(true);
            }
            return true;
        });
        closeables.add(b);
        int port = start(b);

        assertEquals("real /first", RawHttp.get(port, "/first").text());
        Await.until(Duration.ofSeconds(5), "stray answer written", strayWritten::get);
        RawHttp.Response r = RawHttp.get(port, "/second");

        assertEquals(200, r.status());
        assertEquals("real /second", r.text());
        assertEquals(2, b.connections());
    }
}
