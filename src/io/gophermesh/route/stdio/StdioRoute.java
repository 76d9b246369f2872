package io.gophermesh.route.stdio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.gophermesh.config.StdioMode;
import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;

/**
 * Listener of one stdio route: every connection (stream mode) or request (http and cgi modes) is
 * served by a child process of its own, started from a backend's {@code cmd} and bridged to the
 * client through the child's stdin and stdout. The child binds no port.
 *
 * <p>Children are limited by {@code max_concurrency}; {@code prewarm} keeps stream-mode children
 * started ahead of their connection. Closing the route kills every child once the drain is over.
 */
public final class StdioRoute implements Route {
    private static final System.Logger LOG = System.getLogger(StdioRoute.class.getName());

    private final int port;
    private final Supervisor children;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Object swap = new Object();
    private volatile Generation generation;
    private volatile boolean closing;
    private ServerSocket server;
    private Thread acceptor;

    /**
     * Creates the route; {@link #start()} binds it.
     *
     * @param context first generation of the route
     */
    public StdioRoute(RouteContext context) {
        this.port = context.port();
        this.children = new Supervisor(context.label());
        this.generation = new Generation(context, null);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        } catch (IOException e) {
            Child.closeQuietly(socket);
            throw new IOException(label() + ": cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        synchronized (swap) {
            server = socket;
            generation = open(generation.context());
        }
        acceptor = Thread.ofVirtual().name("stdio-accept-" + port).start(this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, label() + ": stdio listener on 127.0.0.1:" + port + " ("
                + modeName(generation.context()) + " mode)");
    }

    @Override
    public void update(RouteContext context) {
        Generation old;
        synchronized (swap) {
            old = generation;
            generation = server == null || closing ? new Generation(context, null) : open(context);
        }
        if (old.pool() != null) {
            old.pool().close();
        }
    }

    @Override
    public RouteContext context() {
        return generation.context();
    }

    @Override
    public void close(Duration drain) {
        Generation last;
        synchronized (swap) {
            if (closing) {
                return;
            }
            closing = true;
            last = generation;
        }
        if (server != null) {
            Child.closeQuietly(server);
        }
        if (last.pool() != null) {
            last.pool().close();
        }
        children.stopAccepting();
        long deadline = System.nanoTime() + drain.toNanos();
        while (children.live() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        children.closeAll();
        for (Socket client : List.copyOf(clients)) {
            Child.closeQuietly(client);
        }
        if (acceptor != null) {
            try {
                acceptor.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // exchanges notice their closed socket or killed child and end their children themselves
        long reapBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (children.live() > 0 && System.nanoTime() < reapBy) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.log(System.Logger.Level.INFO, label() + ": stdio listener closed");
    }

    /** {@return the generation new exchanges use} */
    Generation generation() {
        return generation;
    }

    /** {@return the route's children} */
    Supervisor children() {
        return children;
    }

    /** {@return whether the route is closing: connections should not take further requests} */
    boolean closing() {
        return closing;
    }

    /** {@return e.g. {@code route 18081}} */
    String label() {
        return "route " + port;
    }

    private Generation open(RouteContext context) {
        int prewarm = context.config().effectivePrewarm();
        if (prewarm <= 0 || mode(context) != StdioMode.STREAM) {
            return new Generation(context, null);
        }
        WarmPool pool = new WarmPool(context, prewarm, children, StreamBridge.ENV);
        pool.start();
        return new Generation(context, pool);
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, label() + ": accept failed: " + e.getMessage());
                }
                return;
            }
            if (clients.size() >= generation.context().config().effectiveMaxConnections()) {
                LOG.log(System.Logger.Level.WARNING, label() + ": connection refused: max_connections reached");
                Child.closeQuietly(socket);
                continue;
            }
            clients.add(socket);
            Thread.ofVirtual().name("stdio-conn-" + port).start(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            if (closing) {
                return;
            }
            switch (mode(generation.context())) {
                case HTTP -> new HttpConnection(this, socket, new byte[0], new StreamingHandler()).serve();
                case CGI -> new HttpConnection(this, socket, new byte[0], new CgiHandler()).serve();
                case AUTO -> {
                    Sniffer.Result peek = Sniffer.sniff(socket);
                    if (peek.http()) {
                        new HttpConnection(this, socket, peek.bytes(), new StreamingHandler()).serve();
                    } else {
                        StreamBridge.serve(this, socket, peek.bytes());
                    }
                }
                case STREAM -> StreamBridge.serve(this, socket, new byte[0]);
            }
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> label() + ": client connection ended: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, label() + ": client connection failed: " + e, e);
        } finally {
            clients.remove(socket);
            Child.closeQuietly(socket);
        }
    }

    private static StdioMode mode(RouteContext context) {
        StdioMode mode = context.config().stdioMode();
        return mode == null ? StdioMode.STREAM : mode;
    }

    private static String modeName(RouteContext context) {
        return mode(context).wireName();
    }

    /**
     * @param socket client connection
     * @return the client's IP address as text
     */
    static String clientIp(Socket socket) {
        return socket.getInetAddress().getHostAddress();
    }
}
