package io.gophermesh.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.ProcessLeaks;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinuxRegistrationTest {
    private static final String HOSTILE_URL =
            "gophermesh://launch?port=1\" --config=/etc/passwd '$(touch pwned)' `id` ; rm -rf ~ \n--no-protocol";

    @TempDir
    Path tmp;
    Path home;
    Path bin;
    Path jar;
    Path fakeJava;
    final List<LogRecord> logs = new ArrayList<>();
    final Logger logger = Logger.getLogger("io.gophermesh.launch");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logs) {
                logs.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(tmp.resolve("home $USER \"q\" `x` \\b 100%"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path jarDir = Files.createDirectories(tmp.resolve("it's a \"mesh\" $HOME `id` \\dir"));
        jar = Files.writeString(jarDir.resolve("mesh.jar"), "not really a jar");
        fakeJava = script(tmp.resolve("fake java"), "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$(dirname \"$0\")/java.args\"\n");
        logger.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    @Test
    void writesDesktopEntryAndWrapperAndSetsTheDefaultHandler() throws Exception {
        Path xdgLog = tmp.resolve("xdg-mime.log");
        script(bin.resolve("xdg-mime"), "printf '%s\\n' \"$@\" >> '" + xdgLog + "'\n");
        Host host = host(Map.of("PATH", bin.toString()));

        assertTrue(new Registrar(host).register(jar, LaunchProtocolOptions.DEFAULT));

        Path data = home.resolve(".local/share");
        Path wrapper = data.resolve("gophermesh/gophermesh-open-url");
        Path desktop = data.resolve("applications/gophermesh.desktop");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(wrapper)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(desktop)));

        String entry = Files.readString(desktop);
        assertTrue(entry.startsWith("[Desktop Entry]\n"), entry);
        assertTrue(entry.contains("\nType=Application\n"), entry);
        assertTrue(entry.contains("\nName=GopherMesh\n"), entry);
        assertTrue(entry.contains("\nMimeType=x-scheme-handler/gophermesh;\n"), entry);
        assertTrue(entry.contains("\nNoDisplay=true\n"), entry);
        String exec = entry.lines().filter(l -> l.startsWith("Exec=")).findFirst().orElseThrow().substring(5);
        assertEquals(List.of(wrapper.toString(), "%u"), DesktopExec.split(exec), "Exec as a desktop would read it: " + exec);

        assertEquals(List.of("default", "gophermesh.desktop", "x-scheme-handler/gophermesh"), Files.readAllLines(xdgLog));

        String script = Files.readString(wrapper);
        assertTrue(script.startsWith("#!/bin/sh\n"), script);
        assertTrue(script.contains(" --protocol-url -- \"$1\"\n"), script);
        synchronized (logs) {
            assertEquals(1, logs.size(), () -> logs.stream().map(LogRecord::getMessage).toList().toString());
            assertEquals(Level.INFO, logs.getFirst().getLevel());
        }
    }

    /** Runs the registered wrapper with {@link #HOSTILE_URL}; {@return the arguments its java got} */
    private List<String> wrapperJavaArgs() throws Exception {
        Path wrapper = home.resolve(".local/share/gophermesh/gophermesh-open-url");
        Process process = new ProcessBuilder(wrapper.toString(), HOSTILE_URL)
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        String recorded = Files.readString(tmp.resolve("java.args"));
        return Arrays.asList(recorded.substring(0, recorded.length() - 1).split("\0", -1));
    }

    @Test
    void wrapperPassesAHostileUrlAsOneArgumentAfterDoubleDash() throws Exception {
        script(bin.resolve("xdg-mime"), "exit 0\n");
        assertTrue(new Registrar(host(Map.of("PATH", bin.toString()))).register(jar, LaunchProtocolOptions.DEFAULT));
        List<String> args = wrapperJavaArgs();
        List<String> expected = new ArrayList<>(JvmOptions.TUNED);
        expected.add(JvmOptions.TRIM);
        expected.addAll(List.of("-jar", jar.toString(), "--protocol-url", "--", HOSTILE_URL));
        assertEquals(expected, args);
        assertFalse(Files.exists(tmp.resolve("pwned")));
    }

    @Test
    void wrapperUsesTheAotCacheBesideTheJar() throws Exception {
        script(bin.resolve("xdg-mime"), "exit 0\n");
        Path cache = Files.writeString(jar.resolveSibling("mesh.aot"), "cache");
        assertTrue(new Registrar(host(Map.of("PATH", bin.toString()))).register(jar, LaunchProtocolOptions.DEFAULT));
        List<String> args = wrapperJavaArgs();
        List<String> expected = new ArrayList<>(JvmOptions.TUNED);
        expected.add(JvmOptions.TRIM);
        expected.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds*=off",
                "-jar", jar.toString(), "--protocol-url", "--", HOSTILE_URL));
        assertEquals(expected, args);
    }

    @Test
    void wrapperRunsTheLauncherBesideTheJar() throws Exception {
        script(bin.resolve("xdg-mime"), "exit 0\n");
        // the launcher records its arguments where the fake java does
        script(jar.resolveSibling("mesh"), "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > '"
                + tmp.resolve("java.args") + "'\n");
        assertTrue(new Registrar(host(Map.of("PATH", bin.toString()))).register(jar, LaunchProtocolOptions.DEFAULT));
        Path wrapper = home.resolve(".local/share/gophermesh/gophermesh-open-url");

        Process process = new ProcessBuilder(wrapper.toString(), HOSTILE_URL)
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);

        String recorded = Files.readString(tmp.resolve("java.args"));
        List<String> args = Arrays.asList(recorded.substring(0, recorded.length() - 1).split("\0", -1));
        assertEquals(List.of("--protocol-url", "--", HOSTILE_URL), args);
        assertFalse(Files.exists(tmp.resolve("pwned")));
    }

    @Test
    void launcherScriptHasTheTunedOptions() throws IOException {
        String launcher = Files.readString(Path.of("src/io/gophermesh/cli/mesh.sh"));
        String exec = launcher.lines().filter(l -> l.startsWith("exec ")).findFirst().orElseThrow();
        assertTrue(exec.contains(" " + String.join(" ", JvmOptions.TUNED) + " \"$@\""), exec);
    }

    @Test
    void xdgDataHomeAndCustomNamesAreHonoured() throws Exception {
        script(bin.resolve("xdg-mime"), "exit 0\n");
        Path data = Files.createDirectories(tmp.resolve("xdg data"));
        LaunchProtocolOptions options = LaunchProtocolOptions.builder()
                .scheme("etaiIotPlugin").displayName("etai Iot Plugin").linuxDesktopName("EtaiIotPlugin").build();
        assertTrue(new Registrar(host(Map.of("PATH", bin.toString(), "XDG_DATA_HOME", data.toString()))).register(jar, options));
        String entry = Files.readString(data.resolve("applications/etaiiotplugin.desktop"));
        assertTrue(entry.contains("\nName=etai Iot Plugin\n"), entry);
        assertTrue(entry.contains("\nMimeType=x-scheme-handler/etaiiotplugin;\n"), entry);
        assertTrue(Files.isExecutable(data.resolve("etaiiotplugin/etaiiotplugin-open-url")));
    }

    @Test
    void failuresAreOneLogLineAndNotFatal() throws Exception {
        Host noXdg = host(Map.of("PATH", bin.toString()));
        assertFalse(new Registrar(noXdg).register(jar, LaunchProtocolOptions.DEFAULT));
        assertTrue(Files.exists(home.resolve(".local/share/applications/gophermesh.desktop")),
                "the entry is written even when it cannot be made the default");

        script(bin.resolve("xdg-mime"), "echo 'no such mime database' >&2; exit 3\n");
        assertFalse(new Registrar(host(Map.of("PATH", bin.toString()))).register(jar, LaunchProtocolOptions.DEFAULT));

        assertFalse(new Registrar(host(Map.of("PATH", bin.toString()))).register(null, LaunchProtocolOptions.DEFAULT));
        assertFalse(new Registrar(host(Map.of("PATH", bin.toString()))).register(tmp.resolve("absent.jar"), LaunchProtocolOptions.DEFAULT));

        synchronized (logs) {
            List<String> lines = logs.stream().map(LogRecord::getMessage).toList();
            assertEquals(4, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("xdg-mime not found on PATH"), lines.get(0));
            assertTrue(lines.get(1).contains("exited with 3: no such mime database"), lines.get(1));
            assertTrue(lines.get(2).contains("skipped: not running from mesh.jar"), lines.get(2));
            assertTrue(lines.get(3).contains("absent.jar is not a file"), lines.get(3));
            assertTrue(lines.stream().noneMatch(l -> l.contains("\n")), "one line each");
        }
    }

    @Test
    void desktopExecQuotingFollowsTheSpec() {
        assertEquals("\"/a b/c\"", Quoting.desktopExecArg("/a b/c"));
        assertEquals("\"\\\\$HOME\"", Quoting.desktopExecArg("$HOME"));
        assertEquals("\"a\\\\\\\\b\"", Quoting.desktopExecArg("a\\b"));
        assertEquals("\"\\\\\"q\\\\\"\"", Quoting.desktopExecArg("\"q\""));
        assertEquals("\"\\\\`id\\\\`\"", Quoting.desktopExecArg("`id`"));
        assertEquals("\"100%%\"", Quoting.desktopExecArg("100%"));
        for (String hard : new String[] {"/a b/c", "$HOME", "a\\b", "\"q\"", "`id`", "100%", "it's", "~x;y|z&w"}) {
            assertEquals(List.of(hard), DesktopExec.split(Quoting.desktopExecArg(hard)), hard);
        }
        assertEquals("'it'\\''s $x `y`'", Quoting.shell("it's $x `y`"));
    }

    private Host host(Map<String, String> env) {
        return new Host("Linux", home, env, fakeJava.toString(), CommandRunner.PROCESS);
    }

    private static Path script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
