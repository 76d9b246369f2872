package io.gophermesh.route.http;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import static java.lang.System.Logger.Level.INFO;

/**
 * One client connection of a route, wrapped around the web server's HTTP/1.1 connection so the
 * route can see when the client is expected to send bytes and how long its request head takes.
 * The web server has no limit on the time a request head may take; this is where it is enforced.
 */
final class ClientConnection implements ServerConnection {
    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());
    private static final byte[] HEAD_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 21\r\nConnection: close\r\n\r\n"
            + "Request head timeout\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OVER_LIMIT = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 21\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
            + "Too many connections\n").getBytes(StandardCharsets.US_ASCII);

    /** First read size on a connection: a request head and a small body. */
    static final int FIRST_READ = 16 * 1024;
    /** Read size once a read has filled {@link #FIRST_READ}. */
    static final int BULK_READ = 128 * 1024;

    private final ClientConnections owner;
    private final ConnectionContext raw;
    private final ServerConnection inner;
    private volatile Thread thread;
    /** {@link System#nanoTime()} when the current request head began arriving, 0 outside a head. */
    private volatile long headStart;
    /** {@link System#nanoTime()} since which the server waits for client bytes, 0 when not waiting. */
    private volatile long blockedSince;
    private volatile Tunnel tunnel;
    // used only by the connection's own thread (pull)
    private BufferData readBuffer;

    ClientConnection(ClientConnections owner, ConnectionContext raw, ServerConnectionSelector http1) {
        this.owner = owner;
        this.raw = raw;
        this.inner = http1.connection(new ClientContext(raw, DataReader.create(this::pull), this));
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        thread = Thread.currentThread();
        if (!owner.admit()) {
            refuse();
            return;
        }
        try {
            owner.add(this);
            inner.handle(limit);
        } finally {
            owner.remove(this);
            owner.release();
        }
    }

    /** Over {@code max_connections} after the slot wait: 503, and the web server closes the socket. */
    private void refuse() {
        owner.refused();
        try {
            raw.dataWriter().writeNow(BufferData.create(OVER_LIMIT));
        } catch (RuntimeException ignored) {
            // the client is gone already
        }
    }

    @Override
    public Duration idleTime() {
        return inner.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        inner.close(interrupt);
    }

    /** The request line has been read (possibly from bytes that arrived with an earlier request). */
    void prologueRead() {
        if (headStart == 0) {
            headStart = System.nanoTime();
        }
    }

    /** The request head is complete. */
    void headersRead() {
        headStart = 0;
    }

    /** From now on the connection carries a tunnel; head and body limits no longer apply. */
    void tunnel(Tunnel t) {
        tunnel = t;
        headStart = 0;
    }

    /**
     * Enforces the head timeout, the body idle timeout and the tunnel idle timeout.
     *
     * @param now         {@link System#nanoTime()}
     * @param headerNanos longest request head, 0 for none
     * @param idleNanos   longest silence inside a body or a tunnel, 0 for none
     * @param label       route label for the log
     */
    void check(long now, long headerNanos, long idleNanos, String label) {
        Tunnel t = tunnel;
        if (t != null) {
            if (idleNanos > 0 && t.idleNanos(now) > idleNanos) {
                LOG.log(INFO, label + ": closing tunnel from " + raw.remotePeer().host() + " idle for "
                        + Durations.text(Duration.ofNanos(idleNanos)));
                t.closeNow();
            }
            return;
        }
        long hs = headStart;
        if (hs != 0 && headerNanos > 0 && now - hs > headerNanos) {
            LOG.log(INFO, label + ": client " + raw.remotePeer().host() + " did not send its request head within "
                    + Durations.text(Duration.ofNanos(headerNanos)));
            headStart = 0;
            try {
                raw.dataWriter().writeNow(BufferData.create(HEAD_TIMEOUT));
            } catch (RuntimeException ignored) {
                // the client is going away in any case
            }
            closeSocket();
            return;
        }
        long bs = blockedSince;
        if (hs == 0 && bs != 0 && idleNanos > 0 && now - bs > idleNanos && !readingPrologue()) {
            LOG.log(INFO, label + ": client " + raw.remotePeer().host() + " stalled inside its request body");
            closeSocket();
        }
    }

    /** Ends the connection now, whatever it is doing. */
    void forceClose() {
        Tunnel t = tunnel;
        if (t != null) {
            t.closeNow();
        }
        inner.close(true);
        closeSocket();
        Thread th = thread;
        if (th != null) {
            th.interrupt();
        }
    }

    private void closeSocket() {
        try {
            raw.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    private boolean readingPrologue() {
        return inner instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    /**
     * One read from the client socket. A read that fills the buffer means bytes are streaming in
     * (an upload), so the buffer grows once to {@link #BULK_READ}: fewer, larger reads per body.
     *
     * @return the bytes read, {@code null} at end of stream
     */
    private byte[] readSocket() {
        BufferData b = readBuffer;
        if (b == null) {
            b = BufferData.create(FIRST_READ);
            readBuffer = b;
        } else {
            b.reset();
        }
        int n = raw.serverSocket().read(b);
        if (n < 0) {
            return null;
        }
        if (n == 0) {
            throw new IllegalStateException("read 0 bytes from a blocking socket");
        }
        byte[] data = new byte[n];
        b.read(data, 0, n);
        if (n == b.capacity() && n < BULK_READ) {
            readBuffer = BufferData.create(BULK_READ);
        }
        return data;
    }

    /** Supplies the HTTP/1.1 connection with client bytes, noting when it waits and when a head starts. */
    private byte[] pull() {
        DataReader early = raw.dataReader();
        if (early.available() > 0) {
            return early.readBytes(early.available());
        }
        byte[] data;
        blockedSince = System.nanoTime();
        try {
            data = readSocket();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e);
        } finally {
            blockedSince = 0;
        }
        if (data != null && headStart == 0 && tunnel == null && readingPrologue()) {
            headStart = System.nanoTime();
        }
        return data;
    }
}
