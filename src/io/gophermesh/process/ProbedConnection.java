package io.gophermesh.process;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The connection with which a start's port probe found the backend ready, handed to the first
 * request that waited for that start: that request need not connect again, and the backend does
 * not see an empty connection open and close before the real one. Nobody else can take it. When
 * no request waits for it (a start through {@link ManagedProcess#ensureReady()}, or every waiter
 * gave up), it is closed.
 */
final class ProbedConnection {
    // guarded by this
    private SocketChannel channel;
    private int waiting;
    private boolean offered;

    /** A request begins to wait for the start and will take the connection if it is first. */
    synchronized void join() {
        waiting++;
    }

    /**
     * The probe found the port accepting; keeps {@code probed} for a waiting request, or closes it.
     *
     * @param probed the probe's connection, open
     */
    synchronized void offer(SocketChannel probed) {
        if (waiting > 0 && !offered) {
            channel = probed;
        } else {
            close(probed);
        }
        offered = true;
    }

    /**
     * A request that {@link #join joined} stops waiting.
     *
     * @param take whether it can use the connection (the start succeeded)
     * @return the connection for this request, {@code null} when another took it or there is none
     */
    synchronized SocketChannel leave(boolean take) {
        waiting--;
        SocketChannel taken = null;
        if (take) {
            taken = channel;
            channel = null;
        }
        if (waiting <= 0 && channel != null) {
            close(channel);
            channel = null;
        }
        return taken;
    }

    /** Closes {@code c}, if any. */
    static void close(SocketChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // the backend sees the connection end either way
        }
    }
}
