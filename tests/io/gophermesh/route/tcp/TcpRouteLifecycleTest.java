package io.gophermesh.route.tcp;

import static io.gophermesh.route.tcp.TcpFixtures.WAIT;
import static io.gophermesh.route.tcp.TcpFixtures.assertClosedByPeer;
import static io.gophermesh.route.tcp.TcpFixtures.assertEchoes;
import static io.gophermesh.route.tcp.TcpFixtures.connect;
import static io.gophermesh.route.tcp.TcpFixtures.context;
import static io.gophermesh.route.tcp.TcpFixtures.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.LoadBalance;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Binding, reload and close of a tcp route. */
@Timeout(60)
class TcpRouteLifecycleTest {
    private TcpRoute route;

    @AfterEach
    void tearDown() {
        if (route != null) {
            route.close(Duration.ZERO);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void bindFailureNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            route = new TcpRoute(context(port, LoadBalance.ROUND_ROBIN, Ports.free()));
            IOException e = assertThrows(IOException.class, route::start);
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
        }
    }

    @Test
    void updateAppliesToNewConnectionsOnly() throws Exception {
        try (LoopbackServer a = LoopbackServer.tagged("a"); LoopbackServer b = LoopbackServer.tagged("b")) {
            int port = Ports.free();
            RouteMetrics metrics = new RouteMetrics();
            RouteContext first = context(port, TcpFixtures.Options.of(LoadBalance.ROUND_ROBIN), metrics, a.port());
            route = new TcpRoute(first);
            route.start();
            try (Socket old = connect(port)) {
                assertEquals("a", readLine(old));
                RouteContext second = context(port, TcpFixtures.Options.of(LoadBalance.ROUND_ROBIN), metrics, b.port());
                route.update(second);
                assertSame(second, route.context());
                try (Socket fresh = connect(port)) {
                    assertEquals("b", readLine(fresh));
                    assertEchoes(fresh, "new");
                }
                // the old connection keeps its backend and its generation's counters
                assertEchoes(old, "old");
                assertEquals(1, first.backends().getFirst().inFlight());
                assertEquals(1, a.open());
            }
            Await.until(WAIT, "both accounted", () -> metrics.snapshot().requests() == 2
                    && metrics.snapshot().inFlight() == 0);
        }
    }

    @Test
    void closeFreesThePortAtOnceAndDrains() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = context(port, LoadBalance.ROUND_ROBIN, echo.port());
            route = new TcpRoute(ctx);
            route.start();
            Thread closer;
            try (Socket client = connect(port)) {
                assertEchoes(client, "before");
                closer = Thread.ofVirtual().start(() -> route.close(Duration.ofSeconds(30)));
                Await.until(WAIT, "port free", () -> bindable(port));
                // the connection in progress keeps working while the route drains
                assertEchoes(client, "during");
                assertTrue(closer.isAlive(), "close returned while a connection was open");
            }
            Await.until(WAIT, "close returned once the connection ended", () -> !closer.isAlive());
            assertEquals(0, route.openConnections());
            assertEquals(0, ctx.metrics().snapshot().inFlight());
            assertEquals(0, ctx.metrics().snapshot().errors());
            // the port binds again for a new listener
            TcpRoute again = new TcpRoute(context(port, LoadBalance.ROUND_ROBIN, echo.port()));
            again.start();
            try (Socket client = connect(port)) {
                assertEchoes(client, "again");
            } finally {
                again.close(Duration.ZERO);
            }
        }
    }

    @Test
    void closeCutsConnectionsStillOpenAfterTheDrain() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = context(port, LoadBalance.ROUND_ROBIN, echo.port());
            route = new TcpRoute(ctx);
            route.start();
            try (Socket client = connect(port)) {
                assertEchoes(client, "before");
                long start = System.nanoTime();
                route.close(Duration.ofMillis(300));
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "did not drain");
                assertEquals(0, route.openConnections());
                assertEquals(0, ctx.backends().getFirst().inFlight());
                assertClosedByPeer(client);
            }
            Await.until(WAIT, "backend side closed", () -> echo.open() == 0);
            assertFalse(Ports.accepting(port));
        }
    }

    @Test
    void closeOfANeverStartedRouteAndTwiceIsHarmless() {
        route = new TcpRoute(context(Ports.free(), LoadBalance.ROUND_ROBIN, Ports.free()));
        route.close(Duration.ZERO);
        route.close(Duration.ZERO);
        assertThrows(IllegalStateException.class, route::start);
    }
}
