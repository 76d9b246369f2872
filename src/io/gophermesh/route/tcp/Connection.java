package io.gophermesh.route.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
    // per direction: 32 KiB keeps bulk transfers fast while 10,000 connections stay under ~640 MiB
    private static final int BUFFER_SIZE = 32 * 1024;

    private final Socket client;
    private final RouteContext context;
    private final Slots slots;
    private final Duration slotWait;
    private final TcpRoute route;
    private final String clientIp;
    private final String clientText;
    private final CountDownLatch pumps = new CountDownLatch(2);

    private volatile Socket upstream;
    private volatile Thread owner;
    private volatile boolean aborted;
    private volatile long lastActivity = System.nanoTime();
    private volatile IOException failure;

    Connection(Socket client, RouteContext context, Slots slots, Duration slotWait, TcpRoute route) {
        this.client = client;
        this.context = context;
        this.slots = slots;
        this.slotWait = slotWait;
        this.route = route;
        InetSocketAddress remote = (InetSocketAddress) client.getRemoteSocketAddress();
        // the listener is IPv4 loopback only, so this is dotted text, the same string Go hashes
        this.clientIp = remote.getAddress().getHostAddress();
        this.clientText = clientIp + ":" + remote.getPort();
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
                        context.label(), clientText, String.valueOf(limit));
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
            LOG.log(Level.ERROR, context.label() + ": connection from " + clientText + " failed", e);
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
                        context.label(), clientText, e.getMessage());
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
                    backend.label(), clientText, e.getMessage());
            return false;
        }
        LOG.log(Level.DEBUG, "{0}: connection from {1}", backend.label(), clientText);
        lastActivity = System.nanoTime();
        String name = "route-" + context.port() + "-pipe";
        Thread.ofVirtual().name(name).start(() -> pump(client, server, true));
        Thread.ofVirtual().name(name).start(() -> pump(server, client, false));
        try {
            awaitPumps(backend);
        } catch (InterruptedException e) {
            abort(false);
            throw e;
        }
        IOException error = failure;
        if (error != null) {
            LOG.log(Level.DEBUG, "{0}: connection from {1} cut: {2}", backend.label(), clientText, error.getMessage());
            return false;
        }
        LOG.log(Level.DEBUG, "{0}: connection from {1} ended", backend.label(), clientText);
        return true;
    }

    /** Waits for both directions to end, closing the connection once no byte moved for the idle timeout. */
    private void awaitPumps(Backend backend) throws InterruptedException {
        Duration idle = context.config().effectiveIdleTimeout();
        if (idle == null || idle.isZero() || idle.isNegative()) {
            pumps.await();
            return;
        }
        long idleNanos = idle.toNanos();
        while (true) {
            long left = lastActivity + idleNanos - System.nanoTime();
            if (left <= 0) {
                LOG.log(Level.INFO, "{0}: closed connection from {1}: idle for {2}", backend.label(), clientText, idle);
                abort(false);
                pumps.await();
                return;
            }
            if (pumps.await(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    /** Copies one direction until end of stream, then passes the half-close on. */
    private void pump(Socket from, Socket to, boolean fromClient) {
        RouteMetrics metrics = context.metrics();
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lastActivity = System.nanoTime();
                out.write(buffer, 0, n);
                lastActivity = System.nanoTime();
                if (fromClient) {
                    metrics.addBytesIn(n);
                } else {
                    metrics.addBytesOut(n);
                }
            }
            // socket streams are unbuffered: every byte read is written, so the end can follow at once
            to.shutdownOutput();
        } catch (IOException e) {
            if (!aborted) {
                failure = e;
                abort(true);
            }
        } finally {
            pumps.countDown();
        }
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
