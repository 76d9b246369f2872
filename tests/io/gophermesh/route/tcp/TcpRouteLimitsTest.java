package io.gophermesh.route.tcp;

import static io.gophermesh.route.tcp.TcpFixtures.WAIT;
import static io.gophermesh.route.tcp.TcpFixtures.assertClosedByPeer;
import static io.gophermesh.route.tcp.TcpFixtures.assertEchoes;
import static io.gophermesh.route.tcp.TcpFixtures.connect;
import static io.gophermesh.route.tcp.TcpFixtures.context;
import static io.gophermesh.route.tcp.TcpFixtures.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.LoadBalance;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Connection limit and idle timeout of a tcp route. */
@Timeout(60)
class TcpRouteLimitsTest {
    private TcpRoute route;

    @AfterEach
    void tearDown() {
        if (route != null) {
            route.close(Duration.ZERO);
        }
    }

    private static TcpFixtures.Options limit(int maxConnections) {
        return new TcpFixtures.Options(LoadBalance.ROUND_ROBIN, maxConnections, null, null);
    }

    @Test
    void connectionsOverTheLimitAreClosedAndTheOthersKeepWorking() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = context(port, limit(2), new RouteMetrics(), echo.port());
            route = new TcpRoute(ctx);
            route.start();
            try (Socket first = connect(port); Socket second = connect(port)) {
                assertEchoes(first, "one");
                assertEchoes(second, "two");
                try (Socket third = connect(port)) {
                    third.getOutputStream().write("three\n".getBytes(StandardCharsets.US_ASCII));
                    assertClosedByPeer(third);
                }
                assertEquals(2, echo.accepted(), "the third connection must not reach the backend");
                assertEchoes(first, "one again");
                assertEchoes(second, "two again");
            }
            Await.until(WAIT, "slots free", () -> route.openConnections() == 0);
            try (Socket fourth = connect(port)) {
                assertEchoes(fourth, "four");
            }
            Await.until(WAIT, "refusal counted", () -> ctx.metrics().snapshot().errors() == 1);
        }
    }

    @Test
    void aConnectionOverTheLimitIsServedWhenASlotFreesInTime() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            // a long slot wait, so the outcome does not depend on how fast the machine is
            route = new TcpRoute(context(port, limit(1), new RouteMetrics(), echo.port()), Duration.ofSeconds(30));
            route.start();
            Socket waiting;
            try (Socket first = connect(port)) {
                assertEchoes(first, "first");
                // first holds the only slot, so this one is accepted but waits
                waiting = connect(port);
                Await.until(WAIT, "second connection waiting", () -> route.openConnections() == 2);
                waiting.getOutputStream().write("second\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(1, echo.accepted());
            }
            try (waiting) {
                assertEquals("second", readLine(waiting));
            }
            assertEquals(2, echo.accepted());
        }
    }

    @Test
    void idleTimeoutClosesAnIdleConnectionButNotBusyOnes() throws Exception {
        Duration idle = Duration.ofMillis(1500);
        try (LoopbackServer echo = LoopbackServer.echo("echo");
             LoopbackServer counter = LoopbackServer.countThenReply("counter")) {
            int port = Ports.free();
            int countPort = Ports.free();
            var options = new TcpFixtures.Options(LoadBalance.ROUND_ROBIN, null, idle, null);
            route = new TcpRoute(context(port, options, new RouteMetrics(), echo.port()));
            route.start();
            TcpRoute oneWay = new TcpRoute(context(countPort, options, new RouteMetrics(), counter.port()));
            oneWay.start();
            try (Socket quiet = connect(port); Socket chatty = connect(port); Socket sender = connect(countPort)) {
                assertEchoes(quiet, "once");
                long quietSince = System.nanoTime();
                // keep two connections busy for twice the idle timeout: one both ways, one sending only
                OutputStream toCounter = sender.getOutputStream();
                long sent = 0;
                long until = System.nanoTime() + 2 * idle.toNanos();
                while (System.nanoTime() < until) {
                    assertEchoes(chatty, "tick");
                    toCounter.write(new byte[1000]);
                    sent += 1000;
                    Thread.sleep(100); // pacing, not synchronisation
                }
                assertClosedByPeer(quiet);
                assertTrue(System.nanoTime() - quietSince >= idle.toNanos() - Duration.ofMillis(50).toNanos(),
                        "closed before the idle timeout");
                assertEchoes(chatty, "still open");
                sender.shutdownOutput();
                assertEquals(String.valueOf(sent), readLine(sender));
            } finally {
                oneWay.close(Duration.ZERO);
            }
        }
    }
}
