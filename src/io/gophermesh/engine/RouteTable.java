package io.gophermesh.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.gophermesh.balance.Balancer;
import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.Config;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.process.ManagedProcess;
import io.gophermesh.route.Backend;
import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.route.http.HttpRoute;
import io.gophermesh.route.stdio.StdioRoute;
import io.gophermesh.route.tcp.TcpRoute;

/**
 * The one owner of the running routes: builds a route's runtime from its config, binds it, and
 * applies a new config as a diff. Callers serialise calls (the engine holds its reload lock).
 */
final class RouteTable {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.engine");
    /** Grace a backend process tree gets before it is killed when its route changes or goes. */
    static final Duration PROCESS_GRACE = Duration.ofSeconds(2);
    /** Bound on waiting for in-flight exchanges of a removed route. */
    static final Duration RELOAD_DRAIN = Duration.ofSeconds(10);

    private final byte[] healthJson;
    private final Path workDir;
    private final List<BiConsumer<String, String>> logListeners = new CopyOnWriteArrayList<>();
    private volatile Map<Integer, Route> routes = Map.of();

    /**
     * @param healthJson body of internal routes
     * @param workDir    folder backends run in: the config file's, so that relative paths in
     *                   {@code args} mean the same whoever starts the mesh (a protocol launch
     *                   starts it from wherever the browser runs); {@code null} for the working directory
     */
    RouteTable(byte[] healthJson, Path workDir) {
        this.healthJson = healthJson;
        this.workDir = workDir;
    }

    /** {@return port to route, sorted by port} */
    Map<Integer, Route> routes() {
        return routes;
    }

    /** Finds a backend by {@code PORT:INDEX}, or by the internal port of an http/tcp backend. */
    Backend backend(String ref) throws UnknownRefException {
        String r = ref == null ? "" : ref.trim();
        Map<Integer, Route> all = routes;
        int colon = r.indexOf(':');
        if (colon > 0) {
            try {
                Route route = all.get(Integer.parseInt(r.substring(0, colon).trim()));
                int index = Integer.parseInt(r.substring(colon + 1).trim());
                if (route != null && index >= 0 && index < route.context().backends().size()) {
                    return route.context().backends().get(index);
                }
            } catch (NumberFormatException e) {
                throw new UnknownRefException(ref);
            }
            throw new UnknownRefException(ref);
        }
        for (Route route : all.values()) {
            for (Backend b : route.context().backends()) {
                if (!r.isEmpty() && r.equals(b.config().internalPort())) {
                    return b;
                }
            }
        }
        throw new UnknownRefException(ref);
    }

    AutoCloseable subscribeLogs(BiConsumer<String, String> listener) {
        logListeners.add(listener);
        return () -> logListeners.remove(listener);
    }

    /**
     * Binds every route of {@code config}, each on its own thread: a tcp or stdio route listens at
     * once instead of waiting behind the web server set-up of the http routes before it. If one
     * port cannot be bound, nothing stays bound and the error of the lowest such port is thrown.
     */
    void start(Config config) throws IOException {
        Map<Integer, Route> built = new LinkedHashMap<>();
        for (Map.Entry<String, RouteConfig> e : config.routes().entrySet()) {
            int port = Integer.parseInt(e.getKey());
            built.put(port, newRoute(buildContext(port, e.getValue(), config, null)));
        }
        Map<Integer, Throwable> failed = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<Thread> starting = new ArrayList<>();
        for (Map.Entry<Integer, Route> e : built.entrySet()) {
            // platform threads: an http route waiting for the web server's class initialisation
            // would hold a virtual thread's carrier, and with it the routes queued behind
            starting.add(Thread.ofPlatform().name("route-" + e.getKey() + "-start").start(() -> {
                try {
                    e.getValue().start();
                } catch (IOException | RuntimeException | Error failure) {
                    failed.put(e.getKey(), failure);
                }
            }));
        }
        joinAll(starting);
        if (!failed.isEmpty()) {
            List<Route> up = new ArrayList<>();
            built.forEach((port, route) -> {
                if (!failed.containsKey(port)) {
                    up.add(route);
                }
            });
            closeAll(up, Duration.ZERO);
            Throwable first = failed.values().iterator().next();
            switch (first) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error error -> throw error;
                default -> throw new IllegalStateException(first);
            }
        }
        routes = Collections.unmodifiableMap(built);
    }

    /** Waits for every thread even when interrupted, so no route is left half started. */
    private static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A reload step that can be undone. */
    record Plan(Config next,
                Map<Integer, Route> added,
                Map<Integer, RouteContext> changed,
                List<Integer> removed,
                List<Integer> rebound) {
    }

    /**
     * Binds the new ports of {@code next} and builds the new contexts of changed routes, without
     * touching what serves now. Routes whose protocol changes are listed in {@code rebound}: their
     * listener must be replaced, which {@link #commit} does.
     *
     * @throws IOException when a new port cannot be bound; nothing stays bound
     */
    Plan prepare(Config current, Config next) throws IOException {
        Map<Integer, Route> added = new LinkedHashMap<>();
        Map<Integer, RouteContext> changed = new LinkedHashMap<>();
        List<Integer> rebound = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        boolean originsChanged = !Objects.equals(current.trustedOrigins(), next.trustedOrigins());
        try {
            for (Map.Entry<String, RouteConfig> e : next.routes().entrySet()) {
                int port = Integer.parseInt(e.getKey());
                RouteConfig rc = e.getValue();
                Route existing = routes.get(port);
                if (existing == null) {
                    Route route = newRoute(buildContext(port, rc, next, null));
                    route.start();
                    added.put(port, route);
                } else if (!existing.context().config().equals(rc) || originsChanged) {
                    RouteContext ctx = buildContext(port, rc, next, existing.context());
                    changed.put(port, ctx);
                    if (needsNewListener(existing.context().config(), rc)) {
                        rebound.add(port);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(added.values(), Duration.ZERO);
            throw e;
        }
        for (Integer port : routes.keySet()) {
            if (!next.routes().containsKey(String.valueOf(port))) {
                removed.add(port);
            }
        }
        return new Plan(next, added, changed, removed, rebound);
    }

    /**
     * A listener is built for one protocol and reads its connection-level limits when it binds;
     * changing those means replacing it (its open connections are closed), while backends,
     * balancing, timeouts and origins change in place.
     */
    private static boolean needsNewListener(RouteConfig before, RouteConfig after) {
        return before.protocol() != after.protocol()
                || !Objects.equals(before.maxConnections(), after.maxConnections())
                || !Objects.equals(before.maxHeaderSize(), after.maxHeaderSize())
                || !Objects.equals(before.maxBodySize(), after.maxBodySize());
    }

    /** Undoes {@link #prepare}: unbinds what it bound. */
    void abort(Plan plan) {
        closeAll(plan.added().values(), Duration.ZERO);
    }

    /**
     * Makes {@code plan} the running state: swaps contexts, replaces listeners whose protocol
     * changed, stops removed routes (bounded drain), and stops processes that no longer belong to
     * any route.
     *
     * @throws IOException when a listener whose protocol changed cannot be bound again; the old
     *                     listener is restored and the rest of the plan is not applied
     */
    void commit(Plan plan) throws IOException {
        Map<Integer, Route> old = routes;
        // routes are updated in place: collect the processes of the old generation first
        java.util.Set<ManagedProcess> oldProcesses = processes(old);
        Map<Integer, Route> next = new java.util.TreeMap<>(old);
        List<Route> retired = new ArrayList<>();
        List<Integer> rebound = new ArrayList<>();
        try {
            for (Integer port : plan.rebound()) {
                Route before = old.get(port);
                before.close(Duration.ZERO);
                Route after = newRoute(plan.changed().get(port));
                try {
                    after.start();
                } catch (IOException e) {
                    Route restored = newRoute(before.context());
                    restored.start();
                    next.put(port, restored);
                    throw new IOException("route " + port + ": cannot bind for the new protocol: " + e.getMessage(), e);
                }
                next.put(port, after);
                rebound.add(port);
            }
        } catch (IOException e) {
            // put back the listeners replaced so far with their old protocol
            for (Integer port : rebound) {
                next.get(port).close(Duration.ZERO);
                Route restored = newRoute(old.get(port).context());
                restored.start();
                next.put(port, restored);
            }
            routes = Collections.unmodifiableMap(next);
            abort(plan);
            throw e;
        }
        for (Map.Entry<Integer, RouteContext> e : plan.changed().entrySet()) {
            if (!plan.rebound().contains(e.getKey())) {
                next.get(e.getKey()).update(e.getValue());
            }
        }
        next.putAll(plan.added());
        for (Integer port : plan.removed()) {
            retired.add(next.remove(port));
        }
        routes = Collections.unmodifiableMap(next);
        for (Integer port : plan.added().keySet()) {
            LOG.log(System.Logger.Level.INFO, "route " + port + " added");
        }
        for (Integer port : plan.changed().keySet()) {
            LOG.log(System.Logger.Level.INFO, "route " + port + " updated");
        }
        for (Route r : retired) {
            LOG.log(System.Logger.Level.INFO, "route " + r.port() + " removed");
        }
        closeAll(retired, RELOAD_DRAIN);
        stopOrphanedProcesses(oldProcesses, processes(next));
    }

    /** Stops every route (bounded drain) and every managed process. */
    void close(Duration drain) {
        Map<Integer, Route> all = routes;
        routes = Map.of();
        closeAll(all.values(), drain);
        List<Thread> stops = new ArrayList<>();
        for (Route r : all.values()) {
            for (Backend b : r.context().backends()) {
                if (b.process() != null) {
                    stops.add(Thread.ofVirtual().start(() -> b.process().close(PROCESS_GRACE)));
                }
            }
        }
        join(stops);
    }

    private static java.util.Set<ManagedProcess> processes(Map<Integer, Route> routes) {
        java.util.Set<ManagedProcess> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Route r : routes.values()) {
            for (Backend b : r.context().backends()) {
                if (b.process() != null) {
                    out.add(b.process());
                }
            }
        }
        return out;
    }

    private static void stopOrphanedProcesses(java.util.Set<ManagedProcess> before, java.util.Set<ManagedProcess> kept) {
        List<Thread> stops = new ArrayList<>();
        for (ManagedProcess p : before) {
            if (!kept.contains(p)) {
                stops.add(Thread.ofVirtual().start(() -> p.close(PROCESS_GRACE)));
            }
        }
        join(stops);
    }

    /**
     * Builds the runtime of one route. Backends whose config and position did not change keep
     * their runtime (process, log, counters), so a reload that only changes, say, load_balance
     * leaves running processes alone.
     */
    private RouteContext buildContext(int port, RouteConfig rc, Config config, RouteContext previous) {
        List<Backend> backends = new ArrayList<>(rc.backends().size());
        for (int i = 0; i < rc.backends().size(); i++) {
            BackendConfig bc = rc.backends().get(i);
            Backend reused = null;
            if (previous != null && previous.config().protocol() == rc.protocol()
                    && i < previous.backends().size() && previous.backends().get(i).config().equals(bc)) {
                reused = previous.backends().get(i);
            }
            backends.add(reused != null ? reused : newBackend(port, i, rc, bc, previous));
        }
        RouteMetrics metrics = previous != null ? previous.metrics() : new RouteMetrics();
        return new RouteContext(port, rc, List.copyOf(backends), Balancer.of(rc.loadBalance()),
                config.trustedOrigins(), healthJson, metrics);
    }

    private Backend newBackend(int port, int index, RouteConfig rc, BackendConfig bc, RouteContext previous) {
        String ref = port + ":" + index;
        String label = "route " + port + " backend " + bc.name();
        // the log of a ref survives a change of its backend, so the user still sees why it was changed
        LogBuffer log = previous != null && index < previous.backends().size()
                ? previous.backends().get(index).log()
                : newLog(ref);
        ManagedProcess process = rc.protocol() != Protocol.STDIO && bc.isManaged()
                ? new ManagedProcess(label, bc, log, workDir)
                : null;
        return new Backend(ref, label, bc, log, process, workDir);
    }

    private LogBuffer newLog(String ref) {
        LogBuffer log = new LogBuffer();
        log.subscribe(line -> {
            for (BiConsumer<String, String> l : logListeners) {
                l.accept(ref, line);
            }
        });
        return log;
    }

    private static Route newRoute(RouteContext ctx) {
        return switch (ctx.config().protocol()) {
            case HTTP -> new HttpRoute(ctx);
            case TCP -> new TcpRoute(ctx);
            case STDIO -> new StdioRoute(ctx);
        };
    }

    private static void closeAll(java.util.Collection<Route> routes, Duration drain) {
        List<Thread> closing = new ArrayList<>();
        for (Route r : routes) {
            closing.add(Thread.ofVirtual().start(() -> r.close(drain)));
        }
        join(closing);
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
