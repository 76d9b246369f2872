package io.gophermesh.route.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;

/**
 * Listener of one tcp route: a byte pipe between each client connection on 127.0.0.1:PORT and one
 * backend picked by the route's balancer, with failover, half-close passed on both ways, a limit
 * on connections at once and an optional idle timeout. Thread-safe.
 */
public final class TcpRoute implements Route {
    private static final System.Logger LOG = System.getLogger(TcpRoute.class.getName());
    /** How long a connection over {@code max_connections} waits for a slot before it is closed. */
    static final Duration DEFAULT_SLOT_WAIT = Duration.ofSeconds(1);
    // after the drain, how long close waits for the connections it cut to finish their accounting
    private static final Duration CUT_GRACE = Duration.ofSeconds(2);
    private static final int BACKLOG = 1024;

    private final int port;
    private final Duration slotWait;
    private final Slots slots = new Slots();
    private final ThreadFactory connections;
    private final ThreadFactory pipes;
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();
    private volatile RouteContext context;
    private ServerSocket server;
    private Thread acceptor;
    private boolean closed;

    /**
     * Creates the route; {@link #start()} binds it.
     *
     * @param context first generation of the route
     */
    public TcpRoute(RouteContext context) {
        this(context, DEFAULT_SLOT_WAIT);
    }

    TcpRoute(RouteContext context, Duration slotWait) {
        this.context = context;
        this.port = context.port();
        this.slotWait = slotWait;
        this.connections = Thread.ofVirtual().name("route-" + port + "-conn").factory();
        this.pipes = Thread.ofVirtual().name("route-" + port + "-pipe").factory();
    }

    @Override
    public int port() {
        return port;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (server != null || closed) {
                throw new IllegalStateException(label() + ": already " + (closed ? "closed" : "started"));
            }
            ServerSocket socket = new ServerSocket();
            try {
                // a port freed by a reload or restart must bind again despite connections in TIME_WAIT
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), BACKLOG);
            } catch (IOException e) {
                socket.close();
                throw new IOException(label() + ": cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
            }
            server = socket;
            acceptor = Thread.ofVirtual().name("route-" + port + "-accept").start(() -> acceptLoop(socket));
        }
        LOG.log(Level.INFO, "{0}: tcp listening on 127.0.0.1:{1}", label(), String.valueOf(port));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code context} is for another port
     */
    @Override
    public void update(RouteContext context) {
        if (context.port() != port) {
            throw new IllegalArgumentException(label() + ": update for port " + context.port());
        }
        this.context = context;
    }

    @Override
    public RouteContext context() {
        return context;
    }

    @Override
    public void close(Duration drain) {
        ServerSocket socket;
        Thread accepting;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            socket = server;
            accepting = acceptor;
        }
        boolean interrupted = false;
        try {
            if (socket != null) {
                socket.close();
            }
            if (accepting != null) {
                // once the acceptor has ended, no connection joins the live set any more
                accepting.join();
            }
            int open = live.size();
            if (open > 0) {
                LOG.log(Level.INFO, "{0}: closing, draining {1} connections for up to {2}",
                        label(), String.valueOf(open), drain);
            }
            if (!awaitDrained(drain)) {
                int cut = live.size();
                List.copyOf(live).forEach(Connection::kill);
                LOG.log(Level.INFO, "{0}: closed {1} connections still open after the drain",
                        label(), String.valueOf(cut));
                awaitDrained(CUT_GRACE);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: error closing listener: {1}", label(), e.getMessage());
        } catch (InterruptedException e) {
            interrupted = true;
            List.copyOf(live).forEach(Connection::kill);
        }
        LOG.log(Level.INFO, "{0}: tcp listener closed", label());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return connections accepted and not yet ended, including those waiting for a slot} */
    int openConnections() {
        return live.size();
    }

    /** Called by a connection when it has closed its sockets and done its accounting. */
    void ended(Connection connection) {
        live.remove(connection);
        synchronized (live) {
            live.notifyAll();
        }
    }

    private void acceptLoop(ServerSocket socket) {
        int failures = 0;
        while (true) {
            Socket client;
            try {
                client = socket.accept();
                failures = 0;
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // e.g. out of file descriptors: back off instead of spinning, and keep serving
                failures++;
                LOG.log(Level.WARNING, "{0}: accept failed: {1}", label(), e.getMessage());
                if (!pause(Math.min(1000, 5L << Math.min(failures, 8)))) {
                    return;
                }
                continue;
            }
            Connection connection;
            try {
                connection = new Connection(client, context, slots, slotWait, this, pipes);
            } catch (RuntimeException e) {
                // the client went away between accept and here
                closeQuietly(client);
                continue;
            }
            live.add(connection);
            connections.newThread(connection).start();
        }
    }

    private boolean awaitDrained(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (live) {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(live, left);
            }
        }
        return true;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private String label() {
        return "route " + port;
    }
}
