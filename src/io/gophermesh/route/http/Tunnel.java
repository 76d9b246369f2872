package io.gophermesh.route.http;

import java.io.IOException;
import java.time.Duration;

import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * Bytes both ways between a client and a backend after both agreed to switch protocols
 * ({@code 101}). The proxy no longer reads them: WebSocket frames, subprotocols and extensions
 * pass untouched. The client-to-backend direction runs on the connection's thread, the other on
 * a virtual thread of its own.
 */
final class Tunnel implements ServerConnection {
    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());

    private final HttpRoute route;
    private final RouteContext ctx;
    private final ConnectionContext client;
    private final BackendConnection backendConn;
    private final Backend backend;
    private final long started;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean closed;

    Tunnel(HttpRoute route, RouteContext ctx, ConnectionContext client, BackendConnection backendConn,
           Backend backend, long started) {
        this.route = route;
        this.ctx = ctx;
        this.client = client;
        this.backendConn = backendConn;
        this.backend = backend;
        this.started = started;
    }

    @Override
    public void handle(Limit limit) {
        Thread down = Thread.ofVirtual().name(ctx.label() + " tunnel").start(this::backendToClient);
        try {
            clientToBackend();
            try {
                // the client is done sending; the backend may still answer until it closes
                backendConn.shutdownOutput();
                down.join();
            } catch (IOException e) {
                closeNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeNow();
            backend.end();
            ctx.metrics().end(System.nanoTime() - started, false);
            LOG.log(DEBUG, () -> backend.label() + ": tunnel closed");
        }
    }

    private void clientToBackend() {
        DataReader reader = client.dataReader();
        while (!closed) {
            try {
                reader.ensureAvailable();
            } catch (RuntimeException e) {
                // end of stream or a closed socket: either way the client side is over
                return;
            }
            byte[] bytes = reader.readBytes(reader.available());
            try {
                backendConn.send(bytes, 0, bytes.length);
            } catch (IOException e) {
                closeNow();
                return;
            }
            lastActivity = System.nanoTime();
            ctx.metrics().addBytesIn(bytes.length);
        }
    }

    private void backendToClient() {
        byte[] buf = backendConn.copyBuffer();
        try {
            backendConn.readTimeout(0);
            int n;
            while (!closed && (n = backendConn.readRaw(buf)) >= 0) {
                client.dataWriter().writeNow(BufferData.create(buf, 0, n));
                lastActivity = System.nanoTime();
                ctx.metrics().addBytesOut(n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, () -> backend.label() + ": tunnel ended: " + e.getMessage());
        }
        // the backend is done: ending the client socket also ends the other direction
        closeNow();
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return nanoseconds since a byte last passed either way
     */
    long idleNanos(long now) {
        return now - lastActivity;
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(idleNanos(System.nanoTime()));
    }

    @Override
    public void close(boolean interrupt) {
        // a graceful stop lets tunnels run until the drain ends; the idle sweep or a forced stop ends them
        if (interrupt || !route.closing()) {
            closeNow();
        }
    }

    /** Closes both sockets. */
    void closeNow() {
        closed = true;
        backendConn.close();
        try {
            client.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }
}
