package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Ports;

/** Readiness probing: tight at first, slower the longer a backend takes. */
@Timeout(30)
class PortProbeTest {
    private static final Timing TIMING = new Timing(Duration.ofNanos(500_000), Duration.ofMillis(50),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofSeconds(2), Duration.ofSeconds(1));

    @Test
    void pausesStartShortAndGrowWithTheTimeWaited() {
        PortProbe probe = new PortProbe("127.0.0.1", 1, TIMING);
        assertEquals(500_000, probe.pause(0));
        assertEquals(500_000, probe.pause(Duration.ofMillis(20).toNanos()));
        assertEquals(Duration.ofMillis(2).toNanos(), probe.pause(Duration.ofMillis(100).toNanos()));
        assertEquals(Duration.ofMillis(20).toNanos(), probe.pause(Duration.ofSeconds(1).toNanos()));
        assertEquals(Duration.ofMillis(50).toNanos(), probe.pause(Duration.ofSeconds(30).toNanos()));
    }

    @Test
    void aPortThatIsBoundLateIsSeenAccepting() throws Exception {
        int port = Ports.free();
        PortProbe probe = new PortProbe("127.0.0.1", port, TIMING);
        AtomicReference<ServerSocket> bound = new AtomicReference<>();
        Thread binder = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(150);
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                bound.set(server);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long now = System.nanoTime();
            PortProbe.Result result = probe.await(new CompletableFuture<>(), now, now + Duration.ofSeconds(20).toNanos());
            assertEquals(PortProbe.Result.ACCEPTING, result);
            binder.join();
            try (SocketChannel kept = probe.takeAccepted(); Socket probed = bound.get().accept()) {
                assertEquals(InetAddress.getLoopbackAddress(), probed.getInetAddress());
                // the probe's connection is the one the server accepted, still open for a request
                assertEquals(probed.getLocalPort(), ((InetSocketAddress) kept.getRemoteAddress()).getPort());
                assertEquals(probed.getPort(), ((InetSocketAddress) kept.getLocalAddress()).getPort());
                assertNull(probe.takeAccepted(), "taken once");
            }
        } finally {
            binder.join();
            if (bound.get() != null) {
                bound.get().close();
            }
        }
    }

    @Test
    void aWakeEndsTheWait() {
        int port = Ports.free();
        PortProbe probe = new PortProbe("127.0.0.1", port, TIMING);
        CompletableFuture<Void> wake = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> wake.complete(null));
        long now = System.nanoTime();
        assertEquals(PortProbe.Result.WOKEN, probe.await(wake, now, now + Duration.ofSeconds(20).toNanos()));
    }
}
