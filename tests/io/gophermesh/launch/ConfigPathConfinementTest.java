package io.gophermesh.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigPathConfinementTest {
    @TempDir
    Path tmp;
    Path meshDir;
    Path outside;

    @BeforeEach
    void layout() throws IOException {
        meshDir = Files.createDirectories(tmp.resolve("mesh dir"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(meshDir.resolve("config.json"), "{}");
        Files.createDirectories(meshDir.resolve("sample"));
        Files.writeString(meshDir.resolve("sample/sample_config.json"), "{}");
        Files.writeString(outside.resolve("secret.json"), "{}");
    }

    @Test
    void withoutConfUsesTheDefaultRelativeToTheMeshDirectory() throws LaunchException {
        assertEquals(meshDir.resolve("config.json"), LaunchProtocol.resolveConfigPath(meshDir, null, null));
        assertEquals(meshDir.resolve("other.json"), LaunchProtocol.resolveConfigPath(meshDir, Path.of("other.json"), null));
        Path absolute = outside.resolve("secret.json");
        assertEquals(absolute, LaunchProtocol.resolveConfigPath(meshDir, absolute, null),
                "the command line is trusted: its absolute --config is kept");
    }

    @Test
    void acceptsPlainRelativeNamesInsideTheMeshDirectory() throws LaunchException, IOException {
        Path real = meshDir.toRealPath();
        assertEquals(real.resolve("sample/sample_config.json"),
                LaunchProtocol.resolveConfigPath(meshDir, null, "sample/sample_config.json"));
        assertEquals(real.resolve("config.json"), LaunchProtocol.resolveConfigPath(meshDir, null, "config.json"));
        Files.createSymbolicLink(meshDir.resolve("alias.json"), meshDir.resolve("sample/sample_config.json"));
        assertEquals(real.resolve("sample/sample_config.json"), LaunchProtocol.resolveConfigPath(meshDir, null, "alias.json"),
                "a link that stays inside is followed");
    }

    @Test
    void refusesAbsoluteDotDotAndNonPlainPaths() {
        String[][] cases = {
                {outside.resolve("secret.json").toString(), "relative to the mesh directory"},
                {"/etc/passwd.json", "relative to the mesh directory"},
                {"C:/Windows/x.json", "relative to the mesh directory"},
                {"sample\\sample_config.json", "relative to the mesh directory"},
                {"../outside/secret.json", "plain name"},
                {"sample/../config.json", "plain name"},
                {"./config.json", "plain name"},
                {"sample//sample_config.json", "plain name"},
                {"sample/", "plain name"},
                {".hidden.json", "plain name"},
                {"~/x.json", "plain name"},
                {"config.txt", ".json file"},
                {"mesh.jar", ".json file"},
                {"nul.json", "reserved device name"},
                {"a/".repeat(16) + "x.json", "folders deep"},
        };
        for (String[] c : cases) {
            LaunchException e = assertThrows(LaunchException.class,
                    () -> LaunchProtocol.resolveConfigPath(meshDir, null, c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), () -> c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void refusesSymbolicLinksThatEscape() throws IOException {
        Files.createSymbolicLink(meshDir.resolve("escape.json"), outside.resolve("secret.json"));
        Files.createSymbolicLink(meshDir.resolve("linked"), outside);
        for (String conf : new String[] {"escape.json", "linked/secret.json"}) {
            LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.resolveConfigPath(meshDir, null, conf));
            assertTrue(e.getMessage().contains("outside the mesh directory"), e.getMessage());
        }
    }

    @Test
    void refusesMissingFilesAndFolders() throws IOException {
        LaunchException missing = assertThrows(LaunchException.class,
                () -> LaunchProtocol.resolveConfigPath(meshDir, null, "missing.json"));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.createDirectories(meshDir.resolve("dir.json"));
        LaunchException folder = assertThrows(LaunchException.class,
                () -> LaunchProtocol.resolveConfigPath(meshDir, null, "dir.json"));
        assertTrue(folder.getMessage().contains("not a regular file"), folder.getMessage());
        Files.createSymbolicLink(meshDir.resolve("dangling.json"), outside.resolve("nothing.json"));
        assertThrows(LaunchException.class, () -> LaunchProtocol.resolveConfigPath(meshDir, null, "dangling.json"));
    }
}
