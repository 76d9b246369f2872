package io.gophermesh.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a TCP port to accept connections. Probes start {@link Timing#pollFirst()} apart and the
 * pause grows with the time already waited (a fiftieth of it) up to {@link Timing#pollMax()}: a
 * refused connection to a local port costs tens of microseconds, so a backend that binds in 100 ms
 * is seen at most 2 ms late for about a hundred probes, one that needs a second at most 20 ms late,
 * and a slow one costs one refused connection per {@code pollMax}.
 */
final class PortProbe {
    /** How a wait ended. */
    enum Result { ACCEPTING, WOKEN, TIMED_OUT, INTERRUPTED }

    private static final long MIN_PAUSE_NANOS = 100_000;
    /** The pause is the time waited so far divided by this. */
    private static final int SLOWDOWN = 50;
    private static final long CONNECT_TIMEOUT_NANOS = Duration.ofSeconds(1).toNanos();

    private final String host;
    private final int port;
    private final long firstPause;
    private final long maxPause;
    /** The connection of the probe that found the port accepting; read by the same thread. */
    private SocketChannel accepted;

    PortProbe(String host, int port, Timing timing) {
        this.host = host;
        this.port = port;
        this.firstPause = Math.max(MIN_PAUSE_NANOS, timing.pollFirst().toNanos());
        this.maxPause = Math.max(firstPause, timing.pollMax().toNanos());
    }

    /**
     * Probes until the port accepts, {@code wake} completes (the process exited or must stop), the
     * deadline passes, or the thread is interrupted.
     *
     * @param wake     completes when waiting is pointless
     * @param since    {@link System#nanoTime()} when the wait began
     * @param deadline {@link System#nanoTime()} after which to give up
     */
    Result await(CompletableFuture<Void> wake, long since, long deadline) {
        while (true) {
            if (wake.isDone()) {
                return Result.WOKEN;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Result.TIMED_OUT;
            }
            SocketChannel connection = connect(Math.min(left, CONNECT_TIMEOUT_NANOS));
            if (connection != null) {
                accepted = connection;
                return Result.ACCEPTING;
            }
            left = deadline - System.nanoTime();
            if (left <= 0) {
                return Result.TIMED_OUT;
            }
            if (!sleepOn(wake, Math.min(pause(System.nanoTime() - since), left))) {
                return Result.INTERRUPTED;
            }
        }
    }

    /** {@return the pause before the next probe once {@code waitedNanos} have passed} */
    long pause(long waitedNanos) {
        return Math.clamp(waitedNanos / SLOWDOWN, firstPause, maxPause);
    }

    /**
     * {@return the connection with which the last {@link #await} found the port accepting, open and
     * now the caller's; {@code null} when there is none}
     */
    SocketChannel takeAccepted() {
        SocketChannel c = accepted;
        accepted = null;
        return c;
    }

    /** {@return a connection to the port made within {@code timeoutNanos}, {@code null} when none was} */
    private SocketChannel connect(long timeoutNanos) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            channel.socket().connect(new InetSocketAddress(host, port), millis);
            return channel;
        } catch (IOException e) {
            ProbedConnection.close(channel);
            return null;
        }
    }

    /**
     * Parks until {@code wake} completes or {@code nanos} pass ({@link Long#MAX_VALUE}: no limit).
     *
     * @return false when interrupted
     */
    static boolean sleepOn(CompletableFuture<Void> wake, long nanos) {
        try {
            if (nanos == Long.MAX_VALUE) {
                wake.get();
            } else {
                wake.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            // time is up, or nothing to report: the caller looks at the state again
        } catch (InterruptedException e) {
            return false;
        }
        return true;
    }
}
