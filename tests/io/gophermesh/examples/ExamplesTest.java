package io.gophermesh.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding examples of the README compile (they are these files) and work. */
@Timeout(60)
class ExamplesTest {
    @TempDir
    Path dir;

    static String body(String file) throws Exception {
        String text = Files.readString(Path.of("tests/io/gophermesh/examples", file));
        return text.substring(text.indexOf('\n') + 1).strip();
    }

    @Test
    void readmeShowsTheExamplesAsTheyAre() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(body("EmbeddedLauncher.java")), "README holds EmbeddedLauncher.java verbatim");
        assertTrue(readme.contains(body("HelidonApp.java")), "README holds HelidonApp.java verbatim");
    }

    @Test
    void helidonAppServesItsOwnRoutesAndTheMeshDashboard() throws Exception {
        int route = Ports.free();
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"dashboard_port": "%d", "routes": {"%d": {"backends": [{"cmd": "internal"}]}}}
                """.formatted(Ports.free(), route));
        try (HelidonApp app = new HelidonApp(config, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello from the app", hello.body());
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/mesh/api/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"code\":200"), status.body());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + route + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().contains("\"ok\":true"), health.body());
        }
        assertTrue(!Ports.accepting(route), "route closed with the app");
    }
}
