package io.gophermesh.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;
import io.gophermesh.engine.Role;

/**
 * {@code java -jar mesh.jar}: loads the config, runs the engine until SIGINT/SIGTERM, and exits
 * with 0 (stopped cleanly, or another instance already serves), 1 (failed while running) or
 * 2 (bad command line, bad config, refused launch URL, port taken).
 */
public final class Main {
    /** Held so that the level set on it is not lost when the JDK drops unused loggers. */
    private static final Logger HELIDON_LOG = Logger.getLogger("io.helidon");
    /** Budget of a graceful shutdown. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(5);

    private Main() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        configureLogging();
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (Options.UsageException e) {
            err.println("mesh: " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            out.print(Options.USAGE);
            return 0;
        }
        if (options.version()) {
            out.println("gophermesh " + version());
            return 0;
        }
        Config config;
        try {
            config = Config.load(options.config());
            if (options.dashboardHost() != null || options.dashboardPort() != null) {
                config = new Config(
                        options.dashboardHost() != null ? options.dashboardHost() : config.dashboardHost(),
                        options.dashboardPort() != null ? options.dashboardPort() : config.dashboardPort(),
                        config.trustedOrigins(), config.serviceName(), config.internalPort(),
                        config.dashboardToken(), config.routes(), config.configPath()).normalize()
                        .withConfigPath(config.configPath());
            }
        } catch (ConfigException e) {
            err.println("mesh: " + e.getMessage());
            return 2;
        }
        Engine engine;
        try {
            engine = Engine.create(config, new EngineOptions(options.noDashboard(), null));
        } catch (ConfigException e) {
            err.println("mesh: " + e.getMessage());
            return 2;
        }
        Thread hook = new Thread(() -> engine.shutdown(SHUTDOWN_BUDGET), "mesh-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            engine.start();
        } catch (IOException e) {
            err.println("mesh: " + e.getMessage());
            return 2;
        }
        if (engine.role() == Role.WORKER) {
            out.println("mesh: another instance already serves the dashboard at "
                    + config.dashboardHost() + ":" + config.dashboardPort() + "; exiting");
            return 0;
        }
        if (options.watch()) {
            try {
                engine.watchConfig();
            } catch (IOException e) {
                err.println("mesh: --watch: cannot watch " + options.config() + ": " + e.getMessage());
            }
        }
        try {
            engine.run();
        } catch (IOException e) {
            err.println("mesh: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engine.shutdown(SHUTDOWN_BUDGET);
        }
        return 0;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** One line per event: {@code 2026-11-25 07:41:02.123 INFO route 18081 ...}. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
        }
        // Helidon's start-up chatter is not an event of the mesh
        HELIDON_LOG.setLevel(Level.WARNING);
    }
}
