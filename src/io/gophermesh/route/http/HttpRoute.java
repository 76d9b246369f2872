package io.gophermesh.route.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.gophermesh.config.RouteConfig;
import io.gophermesh.route.Backend;
import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;
import io.helidon.http.HttpLogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.spi.Http1Upgrader;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Listener of one http route: a reverse proxy on {@code 127.0.0.1:PORT} that forwards each request
 * to the route's backends in balancer order, starting managed backends on demand, and tunnels
 * protocol switches such as WebSocket. Internal routes answer the mesh's health JSON instead.
 *
 * <p>Connection limits (connections, header size, body size, timeouts) are fixed when the listener
 * starts; everything else (backends, balancing, trusted origins, connect and response timeouts) is
 * taken from the {@link RouteContext} in force when a request arrives.
 */
public final class HttpRoute implements Route {
    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());
    /** How long {@link #close} waits for the web server once every exchange has ended. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Map<String, BackendPool> pools = new ConcurrentHashMap<>();
    private volatile RouteContext context;
    private volatile boolean closing;
    private WebServer server;
    private ClientConnections connections;
    private Thread watchdog;

    /**
     * Creates the route; {@link #start()} binds it.
     *
     * @param context first generation of the route
     */
    public HttpRoute(RouteContext context) {
        this.context = context;
    }

    @Override
    public int port() {
        return context.port();
    }

    @Override
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException(context.label() + " is already started");
        }
        RouteContext ctx = context;
        RouteConfig cfg = ctx.config();
        int port = ctx.port();
        probeBind(ctx);

        int maxHeader = (int) Math.min(Integer.MAX_VALUE, cfg.effectiveMaxHeaderSize());
        Http1Config.Builder http1 = Http1Config.builder()
                .maxHeadersSize(maxHeader)
                .maxPrologueLength(Math.max(4096, maxHeader))
                .sendKeepAliveHeader(false)
                .continueImmediately(false)
                // no per-packet trace listener on the send path: the proxy logs one line per event itself
                .log(HttpLogConfig.builder().sendLog(false).receiveLog(false).build());
        List<Http1Upgrader> upgraders = UpgradeProxy.TOKENS.stream()
                .map(token -> (Http1Upgrader) new UpgradeProxy(token, this))
                .toList();
        int maxConnections = cfg.effectiveMaxConnections();
        ClientConnections conns = new ClientConnections(this, http1, upgraders, maxConnections);

        Duration idle = cfg.effectiveIdleTimeout() == null ? RouteConfig.DEFAULT_HTTP_IDLE_TIMEOUT
                : cfg.effectiveIdleTimeout();
        WebServer ws = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .protocolsDiscoverServices(false)
                // a relay needs no server features (their filters would run on every request)
                .featuresDiscoverServices(false)
                .addConnectionSelector(conns)
                // sockets beyond max_connections are accepted so they can be told 503 after a short
                // wait (ClientConnections.admit); this hard cap only bounds how many wait at once
                .maxTcpConnections((int) Math.min(Integer.MAX_VALUE, 2L * maxConnections + 16))
                .maxConcurrentRequests(maxConnections)
                .idleConnectionTimeout(idle)
                // short, so the timer of a stopped listener is soon ended (IdleTimerReaper)
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(idle.toMillis() / 2, 1000, 5000)))
                // blocking sockets: a write goes out whole in one call and ClientConnection can read
                // big pieces, where the channel-based socket stages everything through 8 KiB buffers
                .useNio(false)
                // the proxy writes large pieces itself; a buffering stream per response only adds a copy
                .writeBufferSize(0)
                .maxPayloadSize(cfg.maxBodySize() == null ? -1 : cfg.maxBodySize())
                .contentEncoding(new IdentityEncoding())
                .errorHandling(e -> e.includeEntity(true))
                .directHandlers(ErrorPages.handlers())
                // close() drains on its own clock and then ends what is left, so the server may wait
                .shutdownGracePeriod(Duration.ofHours(1))
                .shutdownHook(false)
                .routing(r -> r.any(new ProxyHandler(this)))
                .build();
        ws.start();
        if (!ws.isRunning()) {
            throw new IOException(ctx.label() + ": cannot listen on 127.0.0.1:" + port);
        }
        server = ws;
        connections = conns;
        watchdog = Thread.ofVirtual().name(ctx.label() + " watchdog").start(conns::watch);
        LOG.log(INFO, ctx.label() + ": listening on 127.0.0.1:" + port);
    }

    @Override
    public void update(RouteContext context) {
        if (context.port() != port()) {
            throw new IllegalArgumentException(this.context.label() + ": cannot take the context of port "
                    + context.port());
        }
        this.context = context;
        Set<String> kept = new HashSet<>();
        for (Backend b : context.backends()) {
            if (b.address() != null) {
                kept.add(key(b));
            }
        }
        pools.entrySet().removeIf(e -> {
            if (kept.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    @Override
    public RouteContext context() {
        return context;
    }

    @Override
    public void close(Duration drain) {
        WebServer ws;
        ClientConnections conns;
        synchronized (this) {
            if (server == null || closing) {
                return;
            }
            closing = true;
            ws = server;
            conns = connections;
        }
        String label = context.label();
        Thread stopper = Thread.ofVirtual().name(label + " stop").start(ws::stop);
        if (!conns.awaitNone(drain)) {
            LOG.log(WARNING, label + ": " + conns.count() + " connections still busy after a drain of "
                    + Durations.text(drain) + "; closing them");
            conns.forceCloseAll();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            while (!stopper.join(Duration.ofMillis(100)) && System.nanoTime() < deadline) {
                // connections accepted while the listener was closing may register late
                conns.forceCloseAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!stopper.isAlive()) {
            IdleTimerReaper.reap(ws);
        }
        conns.stop();
        watchdog.interrupt();
        pools.values().forEach(BackendPool::close);
        pools.clear();
        LOG.log(INFO, label + ": closed");
    }

    /** {@return whether {@link #close} has begun; tunnels then live until the drain ends} */
    boolean closing() {
        return closing;
    }

    /** {@return the keep-alive pool of {@code backend}'s address} */
    BackendPool pool(Backend backend) {
        return pools.computeIfAbsent(key(backend), k -> {
            InetSocketAddress a = backend.address();
            return new BackendPool(a.getHostString(), a.getPort());
        });
    }

    /** {@return client connections open now} */
    int openConnections() {
        ClientConnections c = connections;
        return c == null ? 0 : c.count();
    }

    private static String key(Backend b) {
        InetSocketAddress a = b.address();
        return a.getHostString() + ":" + a.getPort();
    }

    /** Fails with the operating system's reason, which the web server only logs. */
    private static void probeBind(RouteContext ctx) throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ctx.port()));
        } catch (IOException e) {
            throw new IOException(ctx.label() + ": cannot listen on 127.0.0.1:" + ctx.port() + ": " + e.getMessage(), e);
        }
    }
}
