package io.gophermesh.examples;

import java.nio.file.Path;
import java.time.Duration;

import io.gophermesh.config.Config;
import io.gophermesh.dashboard.MeshFeature;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;
import io.helidon.webserver.WebServer;

/** A Helidon application that runs the mesh and shows its dashboard under /mesh on its own port. */
public final class HelidonApp implements AutoCloseable {
    private final Engine engine;
    private final WebServer server;

    public HelidonApp(Path configFile, int port) throws Exception {
        // serveDashboard=false: the application's server shows the dashboard instead of the mesh's own
        engine = Engine.create(Config.load(configFile), new EngineOptions(true, null, false));
        engine.start();
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.get("/hello", (req, res) -> res.send("hello from the app"))
                        .addFeature(MeshFeature.builder(engine).contextPath("/mesh").build()))
                .build()
                .start();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        engine.shutdown(Duration.ofSeconds(5));
    }
}
