package io.gophermesh.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real entry point in its own JVM, as a user would. */
@Timeout(60)
class CliTest {
    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();

    Process mesh(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
        started.add(p);
        return p;
    }

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        Await.until(Duration.ofSeconds(10), "no process left", () -> ProcessLeaks.descendants().isEmpty());
    }

    static String stderr(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() throws Exception {
        Process p = mesh("--bogus");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = stderr(p).strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("--bogus"), err);
    }

    @Test
    void badConfigIsOneLineAndExitTwo() throws Exception {
        Files.writeString(dir.resolve("bad.json"), "{\"routes\": {\"80a\": {}}}");
        Process p = mesh("--conf", "bad.json", "--no-console");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = stderr(p).strip();
        assertTrue(err.contains("80a"), err);
    }

    @Test
    void helpAndVersion() throws Exception {
        Process p = mesh("--help");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("--conf PATH"));
    }

    @Test
    void missingConfigIsCreatedAndSigtermStopsEverything() throws Exception {
        int dash = Ports.free();
        int pub = Ports.free();
        int be = Ports.free();
        Files.writeString(dir.resolve("config.json"), """
                {"dashboard_port": "%d", "routes": {"%d": {"backends": [
                  {"cmd": "python3", "args": ["-u", "%s", "%d", "--grandchild"], "internal_port": "%d"}]}}}
                """.formatted(dash, pub, Workers.dir().resolve("engine/http_backend.py"), be, be));
        Process p = mesh("--no-dashboard", "--no-protocol", "--no-console");
        Await.until(Duration.ofSeconds(30), "route listening", () -> Ports.accepting(pub));
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pub + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(p.descendants().count() >= 2, "backend and its grandchild run");
        long start = System.nanoTime();
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "mesh exited");
        assertEquals(0, p.exitValue(), "a clean stop on SIGTERM");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6), "within the 5 s budget");
        Await.until(Duration.ofSeconds(3), "no backend left", () -> ProcessLeaks.descendants().isEmpty());

        Process fresh = mesh("--conf", "new/config.json", "--no-dashboard", "--no-protocol", "--no-console",
                "--dashboard-port", String.valueOf(Ports.free()));
        Path created = dir.resolve("new/config.json");
        Await.until(Duration.ofSeconds(30), "default config written", () -> Files.exists(created));
        fresh.destroy();
        assertTrue(fresh.waitFor(10, TimeUnit.SECONDS));
        assertTrue(Files.readString(created).contains("8081"));
    }

    @Test
    void secondInstanceSaysSoAndExitsZero() throws Exception {
        int dash = Ports.free();
        Files.writeString(dir.resolve("config.json"), """
                {"dashboard_port": "%d", "routes": {"%d": {"backends": [{"internal_port": "%d"}]}}}
                """.formatted(dash, Ports.free(), Ports.free()));
        Process first = mesh("--no-dashboard", "--no-protocol", "--no-console");
        Await.until(Duration.ofSeconds(30), "dashboard up", () -> Ports.accepting(dash));
        Process second = mesh("--no-dashboard", "--no-protocol", "--no-console");
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        String err = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, second.exitValue(), () -> "second instance's stderr: " + err);
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("already"), out);
        first.destroy();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    }
}
