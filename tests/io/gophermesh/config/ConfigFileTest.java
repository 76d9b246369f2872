package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Loading and atomic saving on a real file system. */
@Timeout(20)
class ConfigFileTest {
    /** A config in the exact layout the Go GopherMesh writes (json.MarshalIndent, its schema only). */
    private static final Path GO_SAMPLE = Path.of("tests", "fixtures", "go-layout-config.json");

    @TempDir
    Path dir;

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
        }
    }

    @Test
    void missingFileIsCreatedWithDefaults() throws Exception {
        Path path = dir.resolve("config.json");
        Config c = Config.load(path);
        assertEquals(path, c.configPath());
        assertEquals(Config.defaults().withConfigPath(path), c);
        assertTrue(Files.isRegularFile(path));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        String text = Files.readString(path);
        assertEquals(Config.defaults().toJson() + "\n", text);
        assertEquals(c, Config.load(path));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void missingFileInMissingFolderIsCreatedWithItsFolder() throws Exception {
        Path path = dir.resolve("new/sub/config.json");
        assertEquals(Config.defaults().withConfigPath(path), Config.load(path));
        assertTrue(Files.isRegularFile(path));
    }

    @Test
    void aDefaultConfigThatCannotBeWrittenIsRefused() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        Path path = dir.resolve("file/config.json");
        ConfigException e = assertThrows(ConfigException.class, () -> Config.load(path));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    @Test
    void unreadableOrInvalidFilesAreRefusedNamingTheFile() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.load(dir));
        assertTrue(e.getMessage().startsWith("cannot read config " + dir), e.getMessage());
        Path path = dir.resolve("mesh.json");
        Files.writeString(path, "{\n  \"routes\": {\"8081\": {\"bogus\": 1}}\n}");
        assertEquals("mesh.json line 2, column 23: unknown field \"bogus\" in route \"8081\"",
                assertThrows(ConfigException.class, () -> Config.load(path)).getMessage());
        Files.writeString(path, "{\"routes\": {\"8081\": {}}}");
        assertEquals("mesh.json: route 8081 (Route-8081) has no backends",
                assertThrows(ConfigException.class, () -> Config.load(path)).getMessage());
        Files.write(path, new byte[] {'{', (byte) 0xff, '}'});
        assertTrue(assertThrows(ConfigException.class, () -> Config.load(path)).getMessage()
                .endsWith("is not UTF-8 text"));
        Files.writeString(path, "");
        assertEquals("mesh.json is empty", assertThrows(ConfigException.class, () -> Config.load(path)).getMessage());
    }

    @Test
    void byteOrderMarkIsAccepted() throws Exception {
        Path path = dir.resolve("config.json");
        Files.writeString(path, "\uFEFF{\"dashboard_port\": \"9000\"}", StandardCharsets.UTF_8);
        assertEquals("9000", Config.load(path).dashboardPort());
    }

    @Test
    void goSampleConfigLoadsUnchanged() throws Exception {
        Path path = dir.resolve("sample_config.json");
        Files.copy(GO_SAMPLE, path);
        Config c = Config.load(path);
        assertEquals(7, c.routes().size());
        assertEquals(List.of("18081", "18082", "18083", "18084", "19000", "19081", "19082"),
                List.copyOf(c.routes().keySet()));
        assertEquals(2, c.routes().get("19081").backends().size());
        assertEquals(LoadBalance.LEAST_CONN, c.routes().get("19081").loadBalance());
        assertEquals(Protocol.TCP, c.routes().get("18081").protocol());
        assertEquals(Protocol.STDIO, c.routes().get("18083").protocol());
        assertEquals(StdioMode.STREAM, c.routes().get("18083").stdioMode());
        assertEquals("", c.routes().get("18083").backends().getFirst().internalPort());
        assertEquals(StdioMode.HTTP, c.routes().get("18084").stdioMode());
        assertTrue(c.routes().get("19000").isInternal());
        assertEquals("29999", c.dashboardPort());
        // Go wrote it with MarshalIndent; we write the same bytes back.
        assertEquals(Files.readString(GO_SAMPLE).strip(), c.toJson());
        Config.save(path, c);
        assertEquals(Files.readString(GO_SAMPLE), Files.readString(path));
    }

    @Test
    void saveReplacesTheFileWithoutLeftovers() throws Exception {
        Path path = dir.resolve("config.json");
        Config first = Config.parse("""
                {"routes": {"8081": {"name": "old", "backends": [{"cmd": "w", "internal_port": "9081"}]}}}""");
        Config second = Config.parse("""
                {"routes": {"8082": {"name": "new", "backends": [{"cmd": "w", "internal_port": "9082"}]}}}""");
        Config.save(path, first);
        Config.save(path, second);
        Config loaded = Config.load(path);
        assertEquals(second.withConfigPath(path), loaded);
        assertNull(loaded.routes().get("8081"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void saveKeepsTheOldFilePermissions() throws Exception {
        Path path = dir.resolve("config.json");
        Files.writeString(path, "{}");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        Config.save(path, Config.defaults());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertEquals(Config.defaults(), Config.load(path).withConfigPath(null));
    }

    @Test
    void failedRenameLeavesTargetIntactAndNoTempFile() throws Exception {
        // Renaming a file over a non-empty folder fails for root too.
        Path path = dir.resolve("config.json");
        Files.createDirectory(path);
        Files.writeString(path.resolve("keep"), "old");
        assertThrows(IOException.class, () -> Config.save(path, Config.defaults()));
        assertEquals("old", Files.readString(path.resolve("keep")));
        assertEquals(List.of(), leftovers());
        assertThrows(IOException.class, () -> Config.save(dir.resolve("missing/config.json"), Config.defaults()));
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void failedRenameOverImmutableFileKeepsOldContent() throws Exception {
        // chattr +i stops even root from replacing the file; skipped where the file system has no such flag.
        Path path = dir.resolve("config.json");
        Config.save(path, Config.defaults());
        String old = Files.readString(path);
        assumeTrue(run("chattr", "+i", path.toString()), "chattr +i not available");
        try {
            Config changed = Config.parse("{\"dashboard_port\": \"9000\"}");
            assertThrows(IOException.class, () -> Config.save(path, changed));
            assertEquals(old, Files.readString(path));
            assertEquals(List.of(), leftovers());
        } finally {
            assertTrue(run("chattr", "-i", path.toString()));
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void saveThenLoadRoundTripsEveryField() throws Exception {
        Path path = dir.resolve("config.json");
        Config c = Config.parse("""
                {"dashboard_host": "0.0.0.0", "dashboard_port": "19999", "trusted_origins": ["https://a", "https://b"],
                 "service_name": "svc", "internal_port": "9000", "dashboard_token": "tok",
                 "routes": {"8081": {"name": "r", "protocol": "tcp", "load_balance": "ip_hash", "max_connections": 5,
                   "idle_timeout": "90s", "connect_timeout": "250ms",
                   "backends": [{"name": "b", "cmd": "srv", "args": ["-p", "9081"], "internal_host": "localhost",
                     "internal_port": "9081", "start_timeout": "1m", "idle_timeout": "2h", "max_start_failures": 2}]},
                   "8082": {"protocol": "stdio", "stdio_mode": "cgi", "max_concurrency": 3, "request_timeout": "1.25s",
                     "max_header_size": 1024, "max_body_size": 4096, "header_timeout": "3s", "response_timeout": "4s",
                     "backends": [{"cmd": "python3", "args": ["cgi.py"]}]}}}""");
        Config.save(path, c);
        assertEquals(c.withConfigPath(path), Config.load(path));
    }
}
