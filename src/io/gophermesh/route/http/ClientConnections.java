package io.gophermesh.route.http;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.gophermesh.config.RouteConfig;
import io.gophermesh.route.RouteContext;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The only connection selector of a route's listener: every accepted socket becomes a
 * {@link ClientConnection} around the web server's HTTP/1.1 connection. It knows all live
 * connections, which gives the route a head timeout, a drain that waits for them and a way to end
 * the stragglers.
 */
final class ClientConnections implements ServerConnectionSelector {
    /** How long a connection over {@code max_connections} waits for a slot before it is refused. */
    static final Duration SLOT_WAIT = Duration.ofSeconds(1);
    /** Refusals are logged at most this often, so a flood is one line. */
    static final Duration REFUSAL_LOG_EVERY = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());

    private final HttpRoute route;
    private final Semaphore slots;
    private final LongAdder refusals = new LongAdder();
    private final AtomicLong lastRefusalLog = new AtomicLong();
    private final ServerConnectionSelector http1;
    private final Set<ClientConnection> live = ConcurrentHashMap.newKeySet();
    private final Object changed = new Object();
    private volatile boolean stopped;

    /**
     * @param route     the route, for its current limits and label
     * @param config    HTTP/1.1 settings; a listener that tracks request heads is added
     * @param upgraders protocol switches the route proxies
     * @param maxConnections connections served at once
     */
    ClientConnections(HttpRoute route, Http1Config.Builder config, List<Http1Upgrader> upgraders, int maxConnections) {
        this.route = route;
        this.slots = new Semaphore(maxConnections);
        Http1ConnectionSelectorConfig.Builder selector = Http1ConnectionSelector.builder()
                .config(config.addReceiveListener(new HeadListener()).build());
        upgraders.forEach(selector::addUpgrader);
        this.http1 = selector.build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new ClientConnection(this, ctx, http1);
    }

    /**
     * Takes a slot for a new connection, waiting up to {@link #SLOT_WAIT} for one to free up.
     *
     * @return whether a slot was taken; pair with {@link #release()}
     * @throws InterruptedException when the route is closing
     */
    boolean admit() throws InterruptedException {
        return slots.tryAcquire(SLOT_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Gives back a slot taken by {@link #admit()}. */
    void release() {
        slots.release();
    }

    /** Counts a connection refused over the limit; logs at most one line per {@link #REFUSAL_LOG_EVERY}. */
    void refused() {
        RouteContext ctx = route.context();
        ctx.metrics().begin();
        ctx.metrics().end(0, true);
        refusals.increment();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if ((last == 0 || now - last > REFUSAL_LOG_EVERY.toNanos()) && lastRefusalLog.compareAndSet(last, now)) {
            LOG.log(WARNING, ctx.label() + ": max_connections " + ctx.config().effectiveMaxConnections()
                    + " reached; refused " + refusals.sumThenReset() + " connection(s) with 503");
        }
    }

    void add(ClientConnection c) {
        live.add(c);
    }

    void remove(ClientConnection c) {
        live.remove(c);
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** {@return connections open now} */
    int count() {
        return live.size();
    }

    /**
     * Waits until every connection has ended.
     *
     * @param timeout longest wait
     * @return whether none is left
     */
    boolean awaitNone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    changed.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return live.isEmpty();
                }
            }
            return true;
        }
    }

    /** Ends every connection now. */
    void forceCloseAll() {
        live.forEach(ClientConnection::forceClose);
    }

    /** Stops {@link #watch()}. */
    void stop() {
        stopped = true;
    }

    /** Runs until {@link #stop()}: checks heads, stalled bodies and idle tunnels a few times per limit. */
    void watch() {
        while (!stopped) {
            RouteConfig cfg = route.context().config();
            long header = cfg.effectiveHeaderTimeout().toNanos();
            Duration idle = cfg.effectiveIdleTimeout();
            long idleNanos = idle == null ? 0 : idle.toNanos();
            long shortest = Math.min(header > 0 ? header : Long.MAX_VALUE, idleNanos > 0 ? idleNanos : Long.MAX_VALUE);
            long tickMillis = Math.clamp(shortest / 4 / 1_000_000, 10, 1000);
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            String label = route.context().label();
            for (ClientConnection c : live) {
                c.check(now, header, idleNanos, label);
            }
        }
    }

    /** Tells each connection when its request line and header block are in. */
    private static final class HeadListener implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            if (ctx instanceof ClientContext c) {
                c.connection().prologueRead();
            }
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof ClientContext c) {
                c.connection().headersRead();
            }
        }
    }
}
