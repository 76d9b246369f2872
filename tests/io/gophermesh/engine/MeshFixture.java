package io.gophermesh.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gophermesh.config.Config;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** A running engine on a config written to a temp folder; closing it checks nothing is left. */
final class MeshFixture implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path dir;
    final Path configFile;
    final Engine engine;
    final int dashboardPort;

    /**
     * @param dir  temp folder
     * @param json config text; {@code DASH} is replaced by a free dashboard port
     */
    MeshFixture(Path dir, String json, int dashboardPort) throws Exception {
        this.dir = dir;
        this.dashboardPort = dashboardPort;
        this.configFile = dir.resolve("config.json");
        Files.writeString(configFile, json);
        this.engine = Engine.create(Config.load(configFile), new EngineOptions(true, null));
        engine.start();
    }

    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ofSeconds(5));
        Await.until(Duration.ofSeconds(5), "no child process left", () -> ProcessLeaks.descendants().isEmpty());
    }
}
