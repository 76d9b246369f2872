package io.gophermesh.route.tcp;

import static io.gophermesh.route.tcp.TcpFixtures.WAIT;
import static io.gophermesh.route.tcp.TcpFixtures.assertClosedByPeer;
import static io.gophermesh.route.tcp.TcpFixtures.assertEchoes;
import static io.gophermesh.route.tcp.TcpFixtures.connect;
import static io.gophermesh.route.tcp.TcpFixtures.connectFrom;
import static io.gophermesh.route.tcp.TcpFixtures.context;
import static io.gophermesh.route.tcp.TcpFixtures.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.LoadBalance;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Which backend a tcp route connects each client to, and what happens when backends refuse. */
@Timeout(60)
class TcpRouteBalanceTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TcpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private LoopbackServer tagged(String name) throws IOException {
        LoopbackServer server = LoopbackServer.tagged(name);
        closing.add(server);
        return server;
    }

    private RouteContext start(RouteContext context) throws IOException {
        route = new TcpRoute(context);
        route.start();
        return context;
    }

    /** Opens a connection, reads the backend's tag, checks it echoes, closes it, and waits for the accounting. */
    private String oneConnection(int port, String fromIp, RouteContext ctx) throws IOException {
        String tag;
        try (Socket client = connectFrom(fromIp, port)) {
            tag = readLine(client);
            assertEchoes(client, "x");
        }
        Await.until(WAIT, "connection ended", () -> route.openConnections() == 0
                && ctx.backends().stream().mapToInt(Backend::inFlight).sum() == 0);
        return tag;
    }

    @Test
    void failsOverWhenTheFirstBackendRefuses() throws Exception {
        LoopbackServer alive = tagged("alive");
        int port = Ports.free();
        RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, Ports.free(), alive.port()));
        for (int i = 0; i < 3; i++) {
            assertEquals("alive", oneConnection(port, "127.0.0.1", ctx));
        }
        assertEquals(0, ctx.metrics().snapshot().errors());
        assertEquals(3, ctx.backends().get(1).served());
        assertEquals(0, ctx.backends().get(0).served());
    }

    @Test
    void noReachableBackendClosesTheConnection() throws Exception {
        int port = Ports.free();
        RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, Ports.free(), Ports.free()));
        try (Socket client = connect(port)) {
            assertClosedByPeer(client);
        }
        Await.until(WAIT, "failure counted", () -> ctx.metrics().snapshot().errors() == 1);
        assertEquals(0, ctx.metrics().snapshot().inFlight());
        // the route keeps serving once a backend comes up on the first port
        LoopbackServer late = tagged("late");
        RouteContext next = context(port, TcpFixtures.Options.of(LoadBalance.ROUND_ROBIN), ctx.metrics(),
                Ports.free(), late.port());
        route.update(next);
        assertEquals("late", oneConnection(port, "127.0.0.1", next));
    }

    @Test
    void roundRobinRotatesOverConnections() throws Exception {
        LoopbackServer a = tagged("a");
        LoopbackServer b = tagged("b");
        int port = Ports.free();
        RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, a.port(), b.port()));
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tags.add(oneConnection(port, "127.0.0.1", ctx));
        }
        assertEquals(List.of("a", "b", "a", "b", "a"), tags);
    }

    @Test
    void leastConnPrefersTheIdleBackend() throws Exception {
        LoopbackServer a = tagged("a");
        LoopbackServer b = tagged("b");
        int port = Ports.free();
        RouteContext ctx = start(context(port, LoadBalance.LEAST_CONN, a.port(), b.port()));
        try (Socket held = connect(port)) {
            String busy = readLine(held);
            int busyIndex = busy.equals("a") ? 0 : 1;
            Await.until(WAIT, "held connection counted", () -> ctx.backends().get(busyIndex).inFlight() == 1);
            for (int i = 0; i < 4; i++) {
                // round robin would alternate; least_conn keeps picking the backend with nothing open
                String tag;
                try (Socket client = connect(port)) {
                    tag = readLine(client);
                    assertEchoes(client, "x");
                }
                assertNotEquals(busy, tag);
                Await.until(WAIT, "connection ended", () -> ctx.backends().get(1 - busyIndex).inFlight() == 0);
            }
            assertEchoes(held, "still here");
        }
    }

    @Test
    void ipHashPinsEachClientAddressToOneBackend() throws Exception {
        LoopbackServer b0 = tagged("b0");
        LoopbackServer b1 = tagged("b1");
        LoopbackServer b2 = tagged("b2");
        int port = Ports.free();
        RouteContext ctx = start(context(port, LoadBalance.IP_HASH, b0.port(), b1.port(), b2.port()));
        // FNV-1a(ip) mod 3, as the Go implementation computes it
        Map<String, String> expected = Map.of("127.0.0.1", "b2", "127.0.0.2", "b0", "127.0.0.3", "b1");
        for (var entry : expected.entrySet()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(entry.getValue(), oneConnection(port, entry.getKey(), ctx), "client " + entry.getKey());
            }
        }
    }

    @Test
    void ipHashFailsOverToTheNextBackendInConfigOrder() throws Exception {
        LoopbackServer b0 = tagged("b0");
        LoopbackServer b1 = tagged("b1");
        int port = Ports.free();
        // 127.0.0.1 hashes to index 2, which refuses; the next in order is index 0
        RouteContext ctx = start(context(port, TcpFixtures.Options.of(LoadBalance.IP_HASH), new RouteMetrics(),
                b0.port(), b1.port(), Ports.free()));
        assertEquals("b0", oneConnection(port, "127.0.0.1", ctx));
        assertEquals("b0", oneConnection(port, "127.0.0.1", ctx));
    }
}
