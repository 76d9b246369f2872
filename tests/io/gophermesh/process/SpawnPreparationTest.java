package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.Config;
import io.gophermesh.testing.Await;

/** The spawner is readied in the background for a config that can start a child, and only then. */
@Timeout(60)
class SpawnPreparationTest {
    private static final String PROXY = """
            {"routes": {"18501": {"name": "web", "protocol": "http",
              "backends": [{"name": "a", "cmd": "", "internal_port": "18502"}]}}}
            """;
    private static final String INTERNAL = """
            {"routes": {"18501": {"name": "health", "protocol": "http", "backends": [{"name": "h", "cmd": "internal"}]}}}
            """;
    private static final String MANAGED = """
            {"routes": {"18501": {"name": "web", "protocol": "http",
              "backends": [{"name": "a", "cmd": "python3", "args": ["app.py"], "internal_port": "18502"}]}}}
            """;
    private static final String STDIO = """
            {"routes": {"18501": {"name": "cat", "protocol": "stdio", "backends": [{"name": "c", "cmd": "/bin/cat"}]}}}
            """;

    @TempDir
    Path dir;

    @Test
    void onlyAConfigWithACommandCanStartAChild() throws Exception {
        assertFalse(SpawnPreparation.spawnsChildren(config(PROXY)), "pure proxy");
        assertFalse(SpawnPreparation.spawnsChildren(config(INTERNAL)), "internal health backend");
        assertTrue(SpawnPreparation.spawnsChildren(config(MANAGED)), "managed backend");
        assertTrue(SpawnPreparation.spawnsChildren(config(STDIO)), "stdio route");
    }

    @Test
    void aConfigWithoutCommandsOrAReloadAfterOneThatHadThemPreparesNothing() throws Exception {
        assertFalse(SpawnPreparation.startFor(config(PROXY), null));
        assertFalse(SpawnPreparation.startFor(config(INTERNAL), null));
        // a reload from a config that could already start a child: the preparation was done for it
        assertFalse(SpawnPreparation.startFor(config(STDIO), config(MANAGED)));
    }

    @Test
    void aConfigThatCanStartAChildGetsTheWatchdogBeforeTheFirstChild() throws Exception {
        Process mesh = helper(MANAGED);
        try (BufferedReader out = mesh.inputReader()) {
            assertEquals("true", out.readLine(), "the helper reports that a preparation started");
            // no child was asked for, yet the preparation starts the watchdog's shell, the last step of a first start
            Await.until(Duration.ofSeconds(20), "the watchdog's shell", () -> watchdogOf(mesh));
        } finally {
            mesh.getOutputStream().close();
            boolean ended = mesh.waitFor(10, TimeUnit.SECONDS);
            if (!ended) {
                // a failed run must not leave the helper or its watchdog behind
                mesh.descendants().forEach(ProcessHandle::destroyForcibly);
                mesh.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertTrue(ended, "the helper ends when stdin closes");
        }
    }

    private static boolean watchdogOf(Process mesh) {
        return mesh.toHandle().children()
                .anyMatch(p -> p.info().commandLine().orElse("").contains(Watchdog.NAME));
    }

    private Process helper(String json) throws IOException {
        Path file = dir.resolve("helper.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED", "-cp", classpath,
                SpawnPreparationHelper.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private Config config(String json) throws Exception {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return Config.load(file);
    }
}
