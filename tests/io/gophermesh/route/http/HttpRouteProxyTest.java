package io.gophermesh.route.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteProxyTest {
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

    private TestBackend backend(TestBackend.Handler h) throws IOException {
        TestBackend b = new TestBackend(h);
        closeables.add(b);
        return b;
    }

    private HttpRoute start(Routes.Spec spec) throws IOException {
        route = spec.start();
        return route;
    }

    @Test
    void forwardsMethodRawTargetHeadersAndBody() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "got " + req.bodyText(), "X-From: backend");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.Response r = RawHttp.exchange(port, "PUT /a%2Fb/c;v=1?x=1&y=%20z&&q=%C3%A9 HTTP/1.1\r\n"
                + "Host: example.test:8080\r\nX-Custom: one\r\nX-Custom: two\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");

        assertEquals(200, r.status());
        assertEquals("got hello", r.text());
        assertEquals("backend", r.header("X-From"));
        TestBackend.Request seen = b.requests().poll(5, TimeUnit.SECONDS);
        assertNotNull(seen);
        assertEquals("PUT", seen.method());
        assertEquals("/a%2Fb/c;v=1?x=1&y=%20z&&q=%C3%A9", seen.target());
        assertEquals("example.test:8080", seen.header("Host"));
        assertEquals(List.of("one", "two"), seen.headers().stream().filter(h -> h[0].equalsIgnoreCase("X-Custom"))
                .map(h -> h[1]).toList());
        assertEquals("text/plain", seen.header("Content-Type"));
        assertEquals("5", seen.header("Content-Length"));
        assertEquals("hello", seen.bodyText());
    }

    @Test
    void chunkedRequestBodyStaysChunked() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, req.bodyText());
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.Response r = RawHttp.exchange(port, "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertEquals("hello world", r.text());
        TestBackend.Request seen = b.requests().poll(5, TimeUnit.SECONDS);
        assertEquals("chunked", seen.header("Transfer-Encoding"));
        assertNull(seen.header("Content-Length"));
    }

    @Test
    void dropsHopByHopHeadersBothWays() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok", "Connection: X-Internal", "X-Internal: leak", "Keep-Alive: timeout=5",
                    "Proxy-Authenticate: Basic", "X-Kept: yes");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.Response r = RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "Upgrade: foo/1\r\nX-Normal: n\r\n\r\n");

        assertEquals(200, r.status());
        assertEquals("yes", r.header("X-Kept"));
        assertNull(r.header("X-Internal"));
        assertNull(r.header("Keep-Alive"));
        assertNull(r.header("Proxy-Authenticate"));
        TestBackend.Request seen = b.requests().poll(5, TimeUnit.SECONDS);
        List<String> names = seen.headerNames();
        for (String hop : List.of("connection", "x-secret", "keep-alive", "proxy-authorization", "proxy-connection",
                "te", "upgrade", "transfer-encoding")) {
            assertFalse(names.contains(hop), hop + " reached the backend: " + names);
        }
        assertEquals("n", seen.header("X-Normal"));
    }

    @Test
    void setsForwardingHeaders() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.get(port, "/", "X-Forwarded-For: 10.0.0.1");
        TestBackend.Request first = b.requests().poll(5, TimeUnit.SECONDS);
        assertEquals("10.0.0.1, 127.0.0.1", first.header("X-Forwarded-For"));
        assertEquals("http", first.header("X-Forwarded-Proto"));
        assertEquals("127.0.0.1:" + port, first.header("X-Forwarded-Host"));

        RawHttp.get(port, "/");
        TestBackend.Request second = b.requests().poll(5, TimeUnit.SECONDS);
        assertEquals("127.0.0.1", second.header("X-Forwarded-For"));
    }

    @Test
    void passesRedirectsToTheClient() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 302, "", "Location: /elsewhere");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.Response r = RawHttp.get(port, "/start");

        assertEquals(302, r.status());
        assertEquals("/elsewhere", r.header("Location"));
        assertEquals(1, b.requests().size());
    }

    @Test
    void streamsTheResponseAsTheBackendWritesIt() throws Exception {
        CountDownLatch clientSawFirst = new CountDownLatch(1);
        AtomicBoolean releasedInTime = new AtomicBoolean();
        TestBackend b = backend((req, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nfirst\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                releasedInTime.set(clientSawFirst.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("7\r\nsecond\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        try (RawHttp c = new RawHttp(port)) {
            c.send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n");
            RawHttp.Response head = c.readHead();
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("Content-Type"));
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("first\n")) {
                long size = Long.parseLong(TestBackend.readLine(c.in()).trim(), 16);
                seen.append(new String(c.in().readNBytes((int) size), StandardCharsets.UTF_8));
                TestBackend.readLine(c.in());
            }
            clientSawFirst.countDown();
            while (!seen.toString().contains("second\n")) {
                long size = Long.parseLong(TestBackend.readLine(c.in()).trim(), 16);
                seen.append(new String(c.in().readNBytes((int) size), StandardCharsets.UTF_8));
                TestBackend.readLine(c.in());
            }
            assertEquals("first\nsecond\n", seen.toString());
        }
        assertTrue(releasedInTime.get(), "the first chunk only arrived after the backend finished");
    }

    @Test
    void reusesOneBackendConnectionForSequentialRequests() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        for (int i = 0; i < 6; i++) {
            assertEquals("ok", RawHttp.get(port, "/" + i).text());
        }
        try (RawHttp c = new RawHttp(port)) {
            for (int i = 0; i < 4; i++) {
                assertEquals("ok", c.send("GET /k" + i + " HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
            }
        }
        assertEquals(10, b.requests().size());
        assertEquals(1, b.connections());
    }

    @Test
    void headAndNoContentKeepTheClientConnectionInStep() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            if (req.method().equals("HEAD")) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else if (req.target().equals("/empty")) {
                out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                TestBackend.respond(out, 200, "body");
            }
            out.flush();
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Response head = c.send("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            assertEquals(200, head.status());
            assertEquals("1234", head.header("Content-Length"));
            assertEquals(204, c.send("GET /empty HTTP/1.1\r\nHost: h\r\n\r\n").read(false).status());
            assertEquals("body", c.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
        }
    }

    @Test
    void expectContinueWaitsForTheBackend() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "stored " + req.bodyLength());
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, c.readHead().status());
            c.send("data");
            RawHttp.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("stored 4", r.text());
        }
    }

    @Test
    void aBackendRefusingAnExpectedBodyIsAnsweredWithoutIt() throws Exception {
        TestBackend b = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 401, "who are you", "Connection: close");
            return false;
        }, TestBackend.BodyMode.LEAVE);
        closeables.add(b);
        int port = start(Routes.spec().backend("a", b.port())).port();

        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertEquals(401, r.status());
            assertEquals("who are you", r.text());
            assertEquals("close", r.header("Connection"));
        }
        assertEquals("100-continue", b.requests().poll(5, TimeUnit.SECONDS).header("Expect"));
    }

    @Test
    void refusesHttp10() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.Response r = RawHttp.exchange(port, "GET / HTTP/1.0\r\nHost: h\r\n\r\n");

        assertEquals(505, r.status());
        assertEquals(0, b.requests().size());
    }

    @Test
    void servesConcurrentClientsOverPooledConnections() throws Exception {
        TestBackend a = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "a" + req.target());
            return true;
        });
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "b" + req.target());
            return true;
        });
        int port = start(Routes.spec().backend("a", a.port()).backend("b", b.port())).port();

        List<Thread> clients = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger good = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 16; t++) {
            int id = t;
            clients.add(Thread.ofVirtual().start(() -> {
                try (RawHttp c = new RawHttp(port)) {
                    for (int i = 0; i < 20; i++) {
                        String path = "/" + id + "/" + i;
                        String text = c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text();
                        if (text.equals("a" + path) || text.equals("b" + path)) {
                            good.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread c : clients) {
            c.join(Duration.ofSeconds(20));
        }
        assertEquals(320, good.get());
        assertEquals(320, a.requests().size() + b.requests().size());
        // connections are reused: never more than one per concurrent exchange
        assertTrue(a.connections() + b.connections() <= 32, a.connections() + " + " + b.connections());
    }

    @Test
    void internalRouteAnswersHealthJsonOnEveryPath() throws Exception {
        Routes.Spec spec = Routes.spec().internal();
        int port = start(spec).port();

        for (String path : List.of("/", "/healthz", "/any/thing?x=1")) {
            RawHttp.Response r = RawHttp.get(port, path);
            assertEquals(200, r.status());
            assertTrue(r.header("Content-Type").startsWith("application/json"));
            assertArrayEquals(route.context().healthJson(), r.body());
        }
        assertTrue(r(route).contains("\"mesh\":\"running\""));
    }

    @Test
    void connectionCloseFromTheClientClosesTheConnectionAfterTheAnswer() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "bye");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        for (String raw : List.of("GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")) {
            try (RawHttp c = new RawHttp(port)) {
                RawHttp.Response r = c.send(raw).read(false);
                assertEquals("bye", r.text());
                assertEquals("close", r.header("Connection"));
                // the route ends the stream; a client that reads to the end does not wait for a timeout
                assertTrue(c.closedByPeer());
            }
        }
        // a keep-alive client keeps its connection for the next request
        try (RawHttp c = new RawHttp(port)) {
            assertEquals("bye", c.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
            assertEquals("bye", c.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
        }
    }

    @Test
    void countsRequestsAndBytes() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, "0123456789");
            return true;
        });
        int port = start(Routes.spec().backend("a", b.port())).port();

        RawHttp.exchange(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        RawHttp.get(port, "/");

        // the client can hold the whole answer a moment before the exchange is accounted
        Await.until(Duration.ofSeconds(5), "both exchanges accounted",
                () -> route.context().backends().getFirst().served() == 2
                        && route.context().metrics().snapshot().inFlight() == 0);
        var snap = route.context().metrics().snapshot();
        assertEquals(2, snap.requests());
        assertEquals(0, snap.errors());
        assertEquals(3, snap.bytesIn());
        assertEquals(20, snap.bytesOut());
        assertEquals(0, route.context().backends().getFirst().inFlight());
    }

    private static String r(HttpRoute route) {
        return new String(route.context().healthJson(), StandardCharsets.UTF_8);
    }
}
