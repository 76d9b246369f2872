package io.gophermesh.engine;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.dashboard.Dashboard;
import io.gophermesh.process.SpawnPreparation;
import io.gophermesh.route.Backend;
import io.gophermesh.route.Route;
import io.gophermesh.route.RouteMetrics;

/**
 * The embeddable mesh: binds the routes of a {@link Config}, supervises its backends, serves the
 * dashboard, and applies reloads as diffs.
 *
 * <p>Typical use: {@code Engine e = Engine.create(Config.load(path), EngineOptions.DEFAULT);
 * e.run();} with {@code e.shutdown(Duration.ofSeconds(5))} from a shutdown hook. For embedding,
 * {@link #start()} returns once everything is bound.
 */
public final class Engine implements MeshEngine, MeshControl {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.engine");
    /** Time in-flight exchanges get at shutdown before connections are closed. */
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(2);

    private final EngineOptions options;
    private final RouteTable table;
    private final StatusView statusView = new StatusView();
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Config config;
    /** The version of a config, computed when first asked for (it hashes the whole config). */
    private volatile Versioned versioned;
    private volatile Role role;
    private volatile Dashboard dashboard;
    private volatile boolean started;
    private volatile boolean shutDown;
    private volatile ConfigWatcher watcher;

    private Engine(Config config, EngineOptions options) {
        this.config = config;
        this.options = options;
        Path file = config.configPath();
        Path folder = file == null ? null : file.toAbsolutePath().normalize().getParent();
        this.table = new RouteTable(Healthz.json(options.healthz()), folder);
    }

    /**
     * Creates an engine from a config.
     *
     * @param config  the config (normalised again here)
     * @param options behaviour besides the config
     * @return an engine, not started
     * @throws ConfigException when the config is invalid
     */
    public static Engine create(Config config, EngineOptions options) throws ConfigException {
        Objects.requireNonNull(config, "config");
        Config normalized = config.normalize().withConfigPath(config.configPath());
        return new Engine(normalized, options == null ? EngineOptions.DEFAULT : options);
    }

    /**
     * Takes the dashboard port (or finds another instance on it, which makes this one a
     * {@link Role#WORKER} that binds nothing), then binds every route. If one port cannot be bound,
     * nothing stays bound and the error names the port.
     *
     * @throws IOException when a port cannot be bound
     */
    public void start() throws IOException {
        reloadLock.lock();
        try {
            if (started) {
                throw new IllegalStateException("engine already started");
            }
            Config cfg = config;
            if (options.serveDashboard() && !dashboardPortFree(cfg)) {
                role = Role.WORKER;
                started = true;
                LOG.log(System.Logger.Level.INFO, "another mesh already owns the dashboard at "
                        + cfg.dashboardHost() + ":" + cfg.dashboardPort() + "; nothing to do here");
                stopped.countDown();
                return;
            }
            role = Role.MASTER;
            StalePortCheck.report(cfg);
            table.start(cfg);
            try {
                dashboard = !options.serveDashboard() ? null : Dashboard.builder().mesh(this)
                        .host(cfg.dashboardHost()).port(cfg.dashboardPortNumber())
                        .token(cfg.dashboardToken()).configPath(cfg.configPath())
                        .healthz(options.healthz())
                        .build().start();
            } catch (IOException | RuntimeException e) {
                table.close(Duration.ZERO);
                throw new IOException("dashboard " + cfg.dashboardHost() + ":" + cfg.dashboardPort()
                        + ": cannot bind: " + e.getMessage(), e);
            }
            started = true;
            String url = dashboardUrl();
            LOG.log(System.Logger.Level.INFO, "mesh ready: " + table.routes().size() + " route(s)"
                    + (dashboard == null ? "" : ", dashboard " + url));
            if (!options.noDashboard() && dashboard != null) {
                DesktopBrowser.open(url);
            }
            SpawnPreparation.startFor(cfg, null);
        } finally {
            reloadLock.unlock();
        }
    }

    /** {@return the port the dashboard is bound to, -1 before start or for a worker} */
    public int dashboardPort() {
        Dashboard d = dashboard;
        return d == null ? -1 : d.port();
    }

    /** {@return the dashboard's URL, e.g. {@code http://127.0.0.1:9999/}} */
    public String dashboardUrl() {
        String host = config.dashboardHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        int port = dashboardPort() > 0 ? dashboardPort() : config.dashboardPortNumber();
        return "http://" + host + ":" + port + "/";
    }

    /**
     * Reloads whenever the config file changes on disk (debounced). An invalid file is reported in
     * the log and ignored. Stops at {@link #shutdown}.
     *
     * @throws IOException when the file's folder cannot be watched
     * @throws IllegalStateException when the config was not loaded from a file
     */
    public void watchConfig() throws IOException {
        Path path = config.configPath();
        if (path == null) {
            throw new IllegalStateException("the config was not loaded from a file: nothing to watch");
        }
        reloadLock.lock();
        try {
            if (watcher == null && !shutDown) {
                watcher = new ConfigWatcher(path, this);
            }
        } finally {
            reloadLock.unlock();
        }
    }

    /** Opens the dashboard in the user's browser, best effort and silent when there is none. */
    public void openDashboard() {
        DesktopBrowser.open(dashboardUrl());
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public void run() throws IOException, InterruptedException {
        if (!started) {
            start();
        }
        stopped.await();
    }

    @Override
    public void shutdown(Duration timeout) {
        reloadLock.lock();
        try {
            if (shutDown) {
                return;
            }
            shutDown = true;
            if (role == Role.MASTER) {
                Duration drain = timeout.dividedBy(2).compareTo(SHUTDOWN_DRAIN) < 0 ? timeout.dividedBy(2) : SHUTDOWN_DRAIN;
                LOG.log(System.Logger.Level.INFO, "mesh shutting down");
                ConfigWatcher w = watcher;
                if (w != null) {
                    w.close();
                }
                table.close(drain);
                Dashboard d = dashboard;
                if (d != null) {
                    d.close();
                }
                LOG.log(System.Logger.Level.INFO, "mesh stopped");
            }
        } finally {
            reloadLock.unlock();
            stopped.countDown();
        }
    }

    @Override
    public Map<String, RouteStatus> status() {
        return statusView.of(table.routes());
    }

    @Override
    public List<String> logs(String ref) throws UnknownRefException {
        return table.backend(ref).log().lines();
    }

    @Override
    public String kill(String ref) throws UnknownRefException {
        Backend b = table.backend(ref);
        BackendConfig bc = b.config();
        if (b.process() == null) {
            if (bc.isInternal()) {
                throw new IllegalStateException(b.label() + " is answered by the mesh itself; there is no process to kill");
            }
            if (bc.isManaged()) {
                throw new IllegalStateException(b.label() + " is request-driven (stdio): it has no persistent process to kill");
            }
            throw new IllegalStateException(b.label() + " is a pure proxy (no cmd): the mesh did not start it and will not kill it");
        }
        boolean wasRunning = b.process().kill();
        String msg = wasRunning ? b.label() + ": process tree stopped" : b.label() + ": no process was running";
        LOG.log(System.Logger.Level.INFO, msg);
        return msg;
    }

    @Override
    public String configJson() {
        return config.routesJson();
    }

    @Override
    public String configVersion() {
        return version();
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public void reload(String routesJson) throws ConfigException {
        reloadLock.lock();
        try {
            apply(config.withRoutesJson(routesJson), true);
        } finally {
            reloadLock.unlock();
        }
    }

    @Override
    public boolean reloadIfVersion(String routesJson, String expectedVersion) throws ConfigException {
        reloadLock.lock();
        try {
            if (!version().equals(expectedVersion)) {
                return false;
            }
            apply(config.withRoutesJson(routesJson), true);
            return true;
        } finally {
            reloadLock.unlock();
        }
    }

    @Override
    public void reload(Config next) throws ConfigException {
        reloadLock.lock();
        try {
            Config current = config;
            Config normalized = next.normalize();
            if (!Objects.equals(normalized.dashboardHost(), current.dashboardHost())
                    || !Objects.equals(normalized.dashboardPort(), current.dashboardPort())
                    || !Objects.equals(normalized.dashboardToken(), current.dashboardToken())) {
                throw new ConfigException("dashboard_host, dashboard_port and dashboard_token cannot change "
                        + "while the mesh runs: restart it to apply them");
            }
            // a config read from the file in force is already on disk: writing it back would only
            // reformat the user's file
            boolean persist = next.configPath() == null || current.configPath() == null
                    || !next.configPath().toAbsolutePath().normalize()
                    .equals(current.configPath().toAbsolutePath().normalize());
            apply(normalized.withConfigPath(current.configPath()), persist);
        } finally {
            reloadLock.unlock();
        }
    }

    private void apply(Config next, boolean persist) throws ConfigException {
        Config current = config;
        if (!started || shutDown || role != Role.MASTER) {
            throw new ConfigException("the mesh is not running: nothing to reload");
        }
        if (next.equals(current)) {
            return;
        }
        RouteTable.Plan plan;
        try {
            plan = table.prepare(current, next);
        } catch (IOException e) {
            throw new ConfigException("reload not applied: " + e.getMessage(), e);
        }
        Path path = current.configPath();
        if (persist && path != null) {
            try {
                Config.save(path, next);
            } catch (IOException e) {
                table.abort(plan);
                throw new ConfigException("reload not applied: cannot write " + path + ": " + e.getMessage(), e);
            }
        }
        try {
            table.commit(plan);
        } catch (IOException e) {
            if (persist && path != null) {
                try {
                    Config.save(path, current);
                } catch (IOException restore) {
                    e.addSuppressed(restore);
                }
            }
            throw new ConfigException("reload not applied: " + e.getMessage(), e);
        }
        config = next;
        LOG.log(System.Logger.Level.INFO, "config reloaded (version " + version() + ")");
        SpawnPreparation.startFor(next, current);
    }

    @Override
    public Map<String, RouteMetrics.Snapshot> metrics() {
        Map<String, RouteMetrics.Snapshot> out = new LinkedHashMap<>();
        for (Route r : table.routes().values()) {
            out.put(String.valueOf(r.port()), r.context().metrics().snapshot());
        }
        return out;
    }

    @Override
    public AutoCloseable subscribeLogs(BiConsumer<String, String> listener) {
        return table.subscribeLogs(listener);
    }

    private static boolean dashboardPortFree(Config cfg) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(cfg.dashboardHost()), cfg.dashboardPortNumber()));
            return true;
        } catch (BindException e) {
            return false;
        }
    }

    private record Versioned(Config config, String version) {
    }

    private String version() {
        Config current = config;
        Versioned v = versioned;
        if (v == null || v.config() != current) {
            v = new Versioned(current, versionOf(current));
            versioned = v;
        }
        return v.version();
    }

    private static String versionOf(Config config) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(config.toJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
