package io.gophermesh.route.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.gophermesh.route.RouteContext;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteLifecycleTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        if (route != null) {
            route.close(Duration.ZERO);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private TestBackend named(String name) throws IOException {
        TestBackend b = TestBackend.answering(name);
        closeables.add(b);
        return b;
    }

    /** Answers {@code name} once the test releases it. */
    private TestBackend held(String name, CountDownLatch arrived) throws IOException {
        TestBackend b = new TestBackend((req, in, out) -> {
            arrived.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestBackend.respond(out, 200, name);
            return true;
        });
        closeables.add(b);
        return b;
    }

    private CompletableFuture<RawHttp.Response> getAsync(int port, String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.get(port, path);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    @Test
    void updateSwapsBackendsWithoutClosingTheListener() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        TestBackend old = held("old", arrived);
        TestBackend fresh = named("new");
        Routes.Spec first = Routes.spec().backend("old", old.port());
        int port = Ports.free();
        RouteContext ctx1 = first.context(port);
        route = new HttpRoute(ctx1);
        route.start();

        try (RawHttp keepAlive = new RawHttp(port)) {
            CompletableFuture<RawHttp.Response> inFlight = getAsync(port, "/slow");
            assertTrue(arrived.await(10, TimeUnit.SECONDS));

            RouteContext ctx2 = Routes.spec().backend("new", fresh.port()).context(port, ctx1.metrics());
            route.update(ctx2);
            assertSame(ctx2, route.context());

            // an open client connection and a new one both reach the new backend at once
            assertEquals("new", keepAlive.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
            assertEquals("new", RawHttp.get(port, "/").text());
            // the exchange that began before the swap finishes with the old backend
            release.countDown();
            assertEquals("old", inFlight.get(10, TimeUnit.SECONDS).text());
        }
    }

    @Test
    void closeLetsExchangesInProgressFinish() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        TestBackend slow = held("done", arrived);
        route = Routes.spec().backend("slow", slow.port()).start();
        int port = route.port();

        CompletableFuture<RawHttp.Response> inFlight = getAsync(port, "/work");
        assertTrue(arrived.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> route.close(Duration.ofSeconds(10)),
                r -> Thread.ofVirtual().start(r));

        Await.until(Duration.ofSeconds(5), "listener closed", () -> !Ports.accepting(port));
        assertFalse(closed.isDone());
        release.countDown();
        RawHttp.Response r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("done", r.text());
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(0, route.openConnections());
    }

    @Test
    void closeEndsWhatIsLeftWhenTheDrainRunsOut() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        TestBackend stuck = held("never", arrived);
        route = Routes.spec().backend("stuck", stuck.port()).start();

        CompletableFuture<RawHttp.Response> inFlight = getAsync(route.port(), "/hang");
        assertTrue(arrived.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        route.close(Duration.ofMillis(300));
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(millis >= 300 && millis < 8000, "close took " + millis + " ms");
        assertTrue(inFlight.handle((r, e) -> e != null || r.status() >= 500).get(10, TimeUnit.SECONDS));
        assertEquals(0, route.openConnections());
    }

    @Test
    void idleKeepAliveConnectionsDoNotHoldUpClose() throws Exception {
        TestBackend b = named("ok");
        route = Routes.spec().backend("a", b.port()).start();
        try (RawHttp idle = new RawHttp(route.port())) {
            assertEquals("ok", idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read(false).text());
            long t0 = System.nanoTime();
            route.close(Duration.ofSeconds(10));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5000, "close took " + millis + " ms");
            assertTrue(idle.closedByPeer());
        }
    }

    @Test
    void failsToStartOnABusyPortNamingIt() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            HttpRoute r = new HttpRoute(Routes.spec().backend("a", Routes.deadPort()).context(port));
            IOException e = assertThrows(IOException.class, r::start);
            assertTrue(e.getMessage().contains("route " + port) && e.getMessage().contains("127.0.0.1:" + port),
                    e.getMessage());
        }
    }
}
