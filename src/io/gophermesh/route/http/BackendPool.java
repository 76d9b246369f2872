package io.gophermesh.route.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Idle keep-alive connections to one backend address. The most recently used connection is reused
 * first, so a steady stream of requests keeps one warm socket and lets the rest age out.
 */
final class BackendPool {
    /** Idle connections kept per backend. */
    static final int MAX_IDLE = 32;
    /** An idle connection older than this is closed rather than reused. */
    static final Duration MAX_IDLE_AGE = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
    private volatile InetSocketAddress resolved;
    private boolean closed;

    BackendPool(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** {@return {@code host:port}} */
    String address() {
        return host + ":" + port;
    }

    /**
     * Takes the most recently used idle connection that still looks open. Every reuse asks the
     * socket first: besides a close by the backend, that catches bytes a backend sent on an idle
     * connection (extra body bytes, an early 408), which must never be read as the next answer.
     *
     * @return the connection, {@code null} when there is none
     */
    BackendConnection pooled() {
        long now = System.nanoTime();
        while (true) {
            BackendConnection c;
            synchronized (idle) {
                c = idle.pollFirst();
            }
            if (c == null) {
                return null;
            }
            if (now - c.idleSinceNanos < MAX_IDLE_AGE.toNanos() && c.alive()) {
                return c;
            }
            c.close();
        }
    }

    /**
     * Opens a new connection.
     *
     * @param timeout connect timeout
     * @return the connection
     * @throws IOException as {@link BackendConnection#open}
     */
    BackendConnection connect(Duration timeout) throws IOException {
        InetSocketAddress target = resolved;
        if (target == null || target.isUnresolved()) {
            target = new InetSocketAddress(host, port);
            if (target.isUnresolved()) {
                throw new java.net.UnknownHostException(host);
            }
            resolved = target;
        }
        return BackendConnection.open(target, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }

    /**
     * Takes back a connection whose exchange ended cleanly; closes it when it cannot be kept.
     *
     * @param c the connection
     */
    void release(BackendConnection c) {
        if (!c.reusable()) {
            c.close();
            return;
        }
        c.idleSinceNanos = System.nanoTime();
        synchronized (idle) {
            if (!closed && idle.size() < MAX_IDLE) {
                idle.offerFirst(c);
                return;
            }
        }
        c.close();
    }

    /** {@return idle connections held now} */
    int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }

    /** Closes the idle connections; connections handed back later are closed too. */
    void close() {
        synchronized (idle) {
            closed = true;
            idle.forEach(BackendConnection::close);
            idle.clear();
        }
    }
}
