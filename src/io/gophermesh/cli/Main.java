package io.gophermesh.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.console.Console;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;
import io.gophermesh.engine.Role;
import io.gophermesh.launch.LaunchDecision;
import io.gophermesh.launch.LaunchFlow;
import io.gophermesh.launch.LaunchProtocol;
import io.gophermesh.launch.LaunchProtocolOptions;

/**
 * {@code java -jar mesh.jar}: loads the config, runs the engine until SIGINT/SIGTERM or the
 * console's {@code quit}, and exits with 0 (stopped cleanly, another instance already serves, or a
 * launch URL found its route ready), 1 (failed while running) or 2 (bad command line, bad config,
 * refused launch URL, port taken).
 */
public final class Main {
    /** Budget of a graceful shutdown. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(5);

    private Main() {
    }

    /**
     * Runs the mesh from the command line and exits with its code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        Logger helidon = configureLogging();
        // exit explicitly: after a console quit, server threads would otherwise keep the JVM alive
        int code = run(args, System.out, System.err);
        // the level set on a logger lasts only while someone holds the logger
        java.lang.ref.Reference.reachabilityFence(helidon);
        System.exit(code);
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
        if (options.aotTrain()) {
            return Training.run(err);
        }
        Config config;
        try {
            if (options.protocolUrl() != null) {
                Optional<Path> jar = LaunchProtocol.currentJar();
                Path base = jar.map(j -> j.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
                LaunchFlow flow = new LaunchFlow(base, options.configGiven() ? options.config() : null,
                        LaunchProtocolOptions.DEFAULT, path -> withOverrides(Config.load(path), options));
                LaunchDecision decision = flow.decide(options.protocolUrl());
                if (decision.exitCode().isPresent()) {
                    (decision.outcome() == LaunchDecision.Outcome.REFUSED ? err : out).println("mesh: " + decision.message());
                    return decision.exitCode().getAsInt();
                }
                config = decision.config();
            } else {
                config = withOverrides(Config.load(options.config()), options);
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> engine.shutdown(SHUTDOWN_BUDGET), "mesh-shutdown"));
        stopOnSignals(engine);
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
        if (!options.noProtocol()) {
            registerProtocol();
        }
        if (options.watch()) {
            try {
                engine.watchConfig();
            } catch (IOException e) {
                err.println("mesh: --watch: cannot watch " + config.configPath() + ": " + e.getMessage());
            }
        }
        if (!options.noConsole() && Console.interactive()) {
            runConsole(engine);
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

    /**
     * SIGINT and SIGTERM stop the mesh gracefully and it exits with 0, as a supervisor expects of
     * a clean stop; the shutdown hook remains for every other way the JVM may end.
     */
    private static void stopOnSignals(Engine engine) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> Thread.ofPlatform().name("mesh-signal")
                        .start(() -> engine.shutdown(SHUTDOWN_BUDGET)));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the signal is not available here (or reserved by the JVM): the shutdown hook covers it
            }
        }
    }

    /**
     * Best effort, one log line on failure, never fatal; on its own thread because it runs
     * desktop tools that may take seconds, which the console and the config watcher need not wait for.
     */
    private static void registerProtocol() {
        Thread.ofVirtual().name("mesh-register").start(() -> LaunchProtocol.currentJar().ifPresent(LaunchProtocol::register));
    }

    /** Runs the prompt beside the engine; quit there is a graceful shutdown. */
    private static void runConsole(Engine engine) {
        Console console;
        try {
            console = new Console(engine, Console.systemTerminal(),
                    () -> engine.shutdown(SHUTDOWN_BUDGET), engine::openDashboard);
        } catch (IOException e) {
            Logger.getLogger("").warning("console unavailable: " + e.getMessage());
            return;
        }
        // log lines go above the prompt instead of through what is being typed
        Logger root = Logger.getLogger("");
        Handler[] plain = root.getHandlers();
        for (Handler h : plain) {
            root.removeHandler(h);
        }
        Handler above = console.logHandler();
        root.addHandler(above);
        Thread.ofPlatform().name("mesh-console").daemon(true).start(() -> {
            try {
                console.run();
            } finally {
                root.removeHandler(above);
                for (Handler h : plain) {
                    root.addHandler(h);
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(console::close, "mesh-console-close"));
    }

    private static Config withOverrides(Config config, Options options) throws ConfigException {
        if (options.dashboardHost() == null && options.dashboardPort() == null) {
            return config;
        }
        return new Config(
                options.dashboardHost() != null ? options.dashboardHost() : config.dashboardHost(),
                options.dashboardPort() != null ? options.dashboardPort() : config.dashboardPort(),
                config.trustedOrigins(), config.serviceName(), config.internalPort(),
                config.dashboardToken(), config.routes(), config.configPath()).normalize()
                .withConfigPath(config.configPath());
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * One line per event: {@code 2026-11-25 07:41:02.123 INFO route 18081 ...}, kept open until the
     * JVM exits. Must run before anything touches java.util.logging.
     *
     * @return Helidon's logger, whose level holds only while it is reachable
     */
    private static Logger configureLogging() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", MeshLogManager.class.getName());
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
        }
        // Helidon's start-up chatter is not an event of the mesh
        Logger helidon = Logger.getLogger("io.helidon");
        helidon.setLevel(Level.WARNING);
        return helidon;
    }
}
