package io.gophermesh.examples;

import java.nio.file.Path;
import java.time.Duration;

import io.gophermesh.config.Config;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;

/** A launcher of your own: load the config, run the mesh, stop it cleanly on SIGINT/SIGTERM. */
public final class EmbeddedLauncher {
    public static void main(String[] args) throws Exception {
        Config config = Config.load(Path.of(args.length > 0 ? args[0] : "config.json"));
        Engine engine = Engine.create(config, EngineOptions.DEFAULT);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> engine.shutdown(Duration.ofSeconds(5))));
        engine.run(); // binds every route and the dashboard, then blocks until shutdown
    }
}
