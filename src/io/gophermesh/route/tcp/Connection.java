package io.gophermesh.route.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;

/**
 * One client connection of a tcp route, from accept to close: takes a connection slot, dials a
 * backend, pipes bytes both ways with half-close passed on, watches for idleness, and accounts.
 * The route generation it starts with stays its own until it ends.
 */
final class Connection implements Runnable, Dialer.Watch {
    private static final System.Logger LOG = System.getLogger(TcpRoute.class.getName());
    // per direction: most connections move a few small messages, so each starts with a buffer that
    // is cheap to allocate and zero, and switches to a large one at its first full read, the sign of
    // a bulk transfer, where fewer system calls per byte matter more (10,000 bulk connections ~1.3 GiB)
    static final int SMALL_BUFFER = 8 * 1024;
    static final int LARGE_BUFFER = 64 * 1024;

    private final Socket client;
    private final RouteContext context;
    private final Slots slots;
    private final Duration slotWait;
    private final TcpRoute route;
    private final ThreadFactory pipes;
    private final String clientIp;
    private final int clientPort;
    private final CountDownLatch pumps = new CountDownLatch(2);

    private volatile Socket upstream;
    private volatile Thread owner;
    private volatile boolean aborted;
    private volatile long lastActivity = System.nanoTime();
    private volatile IOException failure;

    /**
     * @param pipes makes the thread that carries the client-to-backend direction (and, with an idle
     *              timeout, the other one too)
     */
    Connection(Socket client, RouteContext context, Slots slots, Duration slotWait, TcpRoute route,
               ThreadFactory pipes) {
        this.client = client;
        this.context = context;
        this.slots = slots;
        this.slotWait = slotWait;
        this.route = route;
        this.pipes = pipes;
        InetSocketAddress remote = (InetSocketAddress) client.getRemoteSocketAddress();
        // the listener is IPv4 loopback only, so this is dotted text, the same string Go hashes
        this.clientIp = remote.getAddress().getHostAddress();
        this.clientPort = remote.getPort();
    }

    @Override
    public void run() {
        owner = Thread.currentThread();
        long start = System.nanoTime();
        RouteMetrics metrics = context.metrics();
        metrics.begin();
        boolean failed = true;
        try {
            if (aborted) {
                return;
            }
            int limit = context.config().effectiveMaxConnections();
            if (!slots.acquire(limit, slotWait)) {
                LOG.log(Level.WARNING, "{0}: closed connection from {1}: {2} connections at once (max_connections)",
                        context.label(), clientText(), String.valueOf(limit));
                return;
            }
            try {
                failed = !serve();
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            // the route is closing and has already closed the sockets
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, context.label() + ": connection from " + clientText() + " failed", e);
        } finally {
            close(client);
            close(upstream);
            metrics.end(System.nanoTime() - start, failed);
            route.ended(this);
        }
    }

    @Override
    public void connecting(Socket socket) throws IOException {
        upstream = socket;
        if (aborted) {
            throw new IOException("connection closed");
        }
    }

    /**
     * Closes both sockets now; the connection's threads end soon after.
     *
     * @param reset send a reset rather than a clean end, so the peer knows the stream was cut
     */
    void abort(boolean reset) {
        aborted = true;
        for (Socket socket : new Socket[] {client, upstream}) {
            if (socket == null) {
                continue;
            }
            if (reset) {
                try {
                    socket.setSoLinger(true, 0);
                } catch (IOException e) {
                    // already closed
                }
            }
            close(socket);
        }
    }

    /** Closes the sockets and stops a wait for a slot or a backend start; used by a closing route. */
    void kill() {
        abort(false);
        Thread thread = owner;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** {@return true when the exchange ended without an error for the client} */
    private boolean serve() throws InterruptedException {
        Dialer.Dialed dialed;
        try {
            dialed = Dialer.dial(context, clientIp, this);
        } catch (Dialer.NoBackendException e) {
            if (!aborted) {
                LOG.log(Level.WARNING, "{0}: closed connection from {1}, no backend reachable: {2}",
                        context.label(), clientText(), e.getMessage());
            }
            return false;
        }
        Backend backend = dialed.backend();
        backend.begin();
        try {
            return pipe(backend, dialed.socket());
        } finally {
            backend.end();
        }
    }

    private boolean pipe(Backend backend, Socket server) throws InterruptedException {
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: connection from {1} lost before piping: {2}",
                    backend.label(), clientText(), e.getMessage());
            return false;
        }
        boolean debug = LOG.isLoggable(Level.DEBUG);
        if (debug) {
            LOG.log(Level.DEBUG, "{0}: connection from {1}", backend.label(), clientText());
        }
        Duration idle = context.config().effectiveIdleTimeout();
        boolean watched = idle != null && idle.isPositive();
        lastActivity = System.nanoTime();
        pipes.newThread(() -> pump(client, server, true, watched)).start();
        try {
            if (watched) {
                // this thread watches for idleness, so the other direction needs a thread of its own
                pipes.newThread(() -> pump(server, client, false, true)).start();
                awaitPumps(backend, idle);
            } else {
                // no watching to do: this thread carries one direction, one thread less per connection
                pump(server, client, false, false);
                pumps.await();
            }
        } catch (InterruptedException e) {
            abort(false);
            throw e;
        }
        IOException error = failure;
        if (error != null) {
            LOG.log(Level.DEBUG, "{0}: connection from {1} cut: {2}", backend.label(), clientText(), error.getMessage());
            return false;
        }
        if (debug) {
            LOG.log(Level.DEBUG, "{0}: connection from {1} ended", backend.label(), clientText());
        }
        return true;
    }

    /** Waits for both directions to end, closing the connection once no byte moved for the idle timeout. */
    private void awaitPumps(Backend backend, Duration idle) throws InterruptedException {
        long idleNanos = idle.toNanos();
        while (true) {
            long left = lastActivity + idleNanos - System.nanoTime();
            if (left <= 0) {
                LOG.log(Level.INFO, "{0}: closed connection from {1}: idle for {2}", backend.label(), clientText(), idle);
                abort(false);
                pumps.await();
                return;
            }
            if (pumps.await(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    /**
     * Copies one direction until end of stream, then passes the half-close on.
     *
     * @param watched whether to note each transfer for the idle watch
     */
    private void pump(Socket from, Socket to, boolean fromClient, boolean watched) {
        RouteMetrics metrics = context.metrics();
        byte[] buffer = new byte[SMALL_BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (watched) {
                    lastActivity = System.nanoTime();
                }
                out.write(buffer, 0, n);
                if (watched) {
                    lastActivity = System.nanoTime();
                }
                if (fromClient) {
                    metrics.addBytesIn(n);
                } else {
                    metrics.addBytesOut(n);
                }
                if (n == buffer.length && n < LARGE_BUFFER) {
                    buffer = new byte[LARGE_BUFFER];
                }
            }
            // socket streams are unbuffered: every byte read is written, so the end can follow at once.
            // When the other direction has ended too, the close that follows sends the end itself
            // (the other side read this socket to its end, so nothing unread turns it into a reset):
            // one system call less per connection.
            if (pumps.getCount() > 1) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            if (!aborted) {
                failure = e;
                abort(true);
            }
        } finally {
            pumps.countDown();
        }
    }

    private String clientText() {
        return clientIp + ":" + clientPort;
    }

    private static void close(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do for a socket that fails to close
        }
    }
}
