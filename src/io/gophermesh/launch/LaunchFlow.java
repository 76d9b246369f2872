package io.gophermesh.launch;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;

/**
 * What {@code mesh.jar --protocol-url -- URL} does before anything starts:
 * parse the URL, confine its config path to the mesh directory, load the config, check the port is
 * one of its routes, then decide whether anything needs starting.
 *
 * <p>Contract for the command line: call {@link #decide} once; on {@code REFUSED} print the message
 * and exit 2; on {@code ALREADY_RUNNING} exit 0 (the route, or the dashboard when the URL names no
 * port, accepts connections, so an earlier launch is serving); on {@code START} run the mesh with
 * {@link LaunchDecision#config()} as if it had been given on the command line. A second launch that
 * races a first one ends as a worker, as any second start does. Each outcome is logged as one line.
 */
public final class LaunchFlow {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.launch");

    /** Loads the chosen config file; the command line applies its overrides here. */
    @FunctionalInterface
    public interface ConfigLoader {
        /**
         * Loads and normalises the config at {@code path}.
         *
         * @param path absolute config path chosen by the flow
         * @return the normalised config
         * @throws ConfigException when it cannot be used
         */
        Config load(Path path) throws ConfigException;
    }

    private final Path baseDir;
    private final Path defaultConfig;
    private final LaunchProtocolOptions options;
    private final ConfigLoader loader;
    private final IntPredicate routeReady;
    private final Predicate<Config> dashboardReady;

    /**
     * Creates a flow that probes real ports.
     *
     * @param baseDir       mesh directory: folder of mesh.jar (working directory when not from a jar)
     * @param defaultConfig config named on the command line, {@code null} for {@code config.json};
     *                      relative paths are taken from {@code baseDir}
     * @param options       scheme to accept, {@code null} for the default
     * @param loader        loads the config, e.g. {@code Config::load} followed by dashboard overrides
     */
    public LaunchFlow(Path baseDir, Path defaultConfig, LaunchProtocolOptions options, ConfigLoader loader) {
        this(baseDir, defaultConfig, options, loader, LaunchProtocol::isPublicRouteHealthy, LaunchProtocol::isDashboardHealthy);
    }

    LaunchFlow(Path baseDir, Path defaultConfig, LaunchProtocolOptions options, ConfigLoader loader,
               IntPredicate routeReady, Predicate<Config> dashboardReady) {
        this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
        this.defaultConfig = defaultConfig;
        this.options = options == null ? LaunchProtocolOptions.DEFAULT : options;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.routeReady = routeReady;
        this.dashboardReady = dashboardReady;
    }

    /**
     * Returns a flow with the default scheme that loads with {@link Config#load}.
     *
     * @param baseDir       mesh directory
     * @param defaultConfig config named on the command line, {@code null} for {@code config.json}
     * @return a flow with the default scheme that loads with {@link Config#load}
     */
    public static LaunchFlow standard(Path baseDir, Path defaultConfig) {
        return new LaunchFlow(baseDir, defaultConfig, LaunchProtocolOptions.DEFAULT, Config::load);
    }

    /**
     * Decides what a launch URL asks for.
     *
     * @param url the URL passed after {@code --protocol-url --}
     * @return what to do; never throws for bad input
     */
    public LaunchDecision decide(String url) {
        LaunchProtocolRequest request = null;
        try {
            request = LaunchProtocol.parse(url, options);
            Path path = LaunchProtocol.resolveConfigPath(baseDir, defaultConfig, request.conf());
            Config config = load(path);
            LaunchProtocol.validatePort(config, request.port());
            if (request.port() != null) {
                if (routeReady.test(request.port())) {
                    return done(LaunchDecision.Outcome.ALREADY_RUNNING,
                            "protocol launch: route " + request.port() + " already ready, nothing to start", request, config);
                }
                return done(LaunchDecision.Outcome.START,
                        "protocol launch accepted for route " + request.port() + " with config " + path, request, config);
            }
            if (dashboardReady.test(config)) {
                return done(LaunchDecision.Outcome.ALREADY_RUNNING,
                        "protocol launch: dashboard already ready for config " + path + ", nothing to start", request, config);
            }
            return done(LaunchDecision.Outcome.START, "protocol launch accepted with config " + path, request, config);
        } catch (LaunchException e) {
            String message = "protocol launch refused: " + e.getMessage();
            LOG.log(Level.WARNING, message);
            return new LaunchDecision(LaunchDecision.Outcome.REFUSED, message, request, null);
        }
    }

    private Config load(Path path) throws LaunchException {
        try {
            Config config = loader.load(path);
            return config.configPath() == null ? config.withConfigPath(path) : config;
        } catch (ConfigException e) {
            throw new LaunchException("config " + path + ": " + e.getMessage(), e);
        }
    }

    private static LaunchDecision done(LaunchDecision.Outcome outcome, String message,
                                       LaunchProtocolRequest request, Config config) {
        LOG.log(Level.INFO, message);
        return new LaunchDecision(outcome, message, request, config);
    }
}
