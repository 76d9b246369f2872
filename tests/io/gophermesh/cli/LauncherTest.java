package io.gophermesh.cli;

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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher script (installed as target/mesh) run by sh against fake JDKs whose java records
 * how it was called. The copy under test looks for JDKs in a temporary folder instead of
 * /usr/lib/jvm, so what this machine has installed does not matter.
 */
@Timeout(60)
class LauncherTest {
    @TempDir
    Path tmp;
    Path dir;
    Path jvms;
    Path launcher;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("mesh home"));
        jvms = Files.createDirectories(tmp.resolve("jvm"));
        Files.writeString(dir.resolve("mesh.jar"), "not really a jar");
        String script = Files.readString(Path.of("src/io/gophermesh/cli/mesh.sh"))
                .replace("/usr/lib/jvm/*", jvms + "/*")
                .replace("/Library/Java/JavaVirtualMachines/*/Contents/Home", tmp.resolve("none") + "/*");
        launcher = executable(dir.resolve("mesh"), script);
    }

    /** A JDK whose release file says {@code version} and whose java records its pid and arguments. */
    Path jdk(Path home, String version, int exitCode) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        executable(home.resolve("bin/java"), "#!/bin/sh\n"
                + "{ echo \"$$\"; echo '" + home + "'; for a in \"$@\"; do printf '%s\\0' \"$a\"; done; } > '"
                + tmp.resolve("java.call") + "'\nexit " + exitCode + "\n");
        return home;
    }

    record Call(long pid, String home, List<String> args, int exit, String output) {
    }

    Call run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Files.deleteIfExists(tmp.resolve("java.call"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        if (!Files.exists(tmp.resolve("java.call"))) {
            return new Call(-1, null, List.of(), p.exitValue(), output);
        }
        String call = Files.readString(tmp.resolve("java.call"));
        String[] lines = call.split("\n", 3);
        List<String> recorded = lines[2].isEmpty() ? List.of()
                : Arrays.asList(lines[2].substring(0, lines[2].length() - 1).split("\0", -1));
        return new Call(Long.parseLong(lines[0]), lines[1], recorded, p.exitValue(), output);
    }

    @Test
    void picksAJdk25FromJavaHomeAndPassesArgumentsAndExitCode() throws Exception {
        Path jdk = jdk(tmp.resolve("jdk 25"), "25.0.3", 7);
        Call call = run(Map.of("JAVA_HOME", jdk.toString()), "--conf", "my config.json", "*", "");
        assertEquals(7, call.exit(), call.output());
        assertEquals(jdk.toString(), call.home());
        List<String> tail = call.args().subList(call.args().indexOf("-jar"), call.args().size());
        assertEquals(List.of("-jar", dir.resolve("mesh.jar").toString(), "--conf", "my config.json", "*", ""), tail);
        assertTrue(call.args().contains("-XX:+UseSerialGC"), call.args().toString());
        assertFalse(call.args().stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), "no cache, no cache option");
    }

    @Test
    void execsTheJvmSoSignalsAndTheExitCodeAreItsOwn() throws Exception {
        Path jdk = jdk(tmp.resolve("jdk25"), "25", 0);
        List<String> cmd = List.of("sh", launcher.toString(), "--version");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long javaPid = Long.parseLong(Files.readString(tmp.resolve("java.call")).lines().findFirst().orElseThrow());
        assertEquals(p.pid(), javaPid, "java replaces the launcher's shell");
    }

    @Test
    void skipsAnOldJavaHomeForANewerJdkInTheJdkFolder() throws Exception {
        Path old = jdk(tmp.resolve("jdk21"), "21.0.2", 0);
        jdk(jvms.resolve("a-jdk-17"), "17.0.9", 0);
        Path recent = jdk(jvms.resolve("b-jdk-25"), "25.0.1", 0);
        Call call = run(Map.of("JAVA_HOME", old.toString()));
        assertEquals(0, call.exit(), call.output());
        assertEquals(recent.toString(), call.home());
    }

    @Test
    void findsTheJdkBehindJavaOnPath() throws Exception {
        Path recent = jdk(tmp.resolve("opt/jdk-26"), "26", 0);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), recent.resolve("bin/java"));
        Call call = run(Map.of("PATH", bin + ":/usr/bin:/bin"));
        assertEquals(0, call.exit(), call.output());
        assertEquals(recent.toString(), call.home());
    }

    @Test
    void noJdk25IsOneLineAndExitTwo() throws Exception {
        Path old = jdk(tmp.resolve("jdk21"), "21", 0);
        Call call = run(Map.of("JAVA_HOME", old.toString()));
        assertEquals(2, call.exit());
        assertEquals(-1, call.pid(), "no java was run");
        assertTrue(call.output().contains("no JDK 25 or newer"), call.output());
    }

    @Test
    void usesTheCacheBesideTheJarAndAppendsMeshJavaOptsLast() throws Exception {
        Path jdk = jdk(tmp.resolve("jdk25"), "25", 0);
        Files.writeString(dir.resolve("mesh.aot"), "cache");
        Call call = run(Map.of("JAVA_HOME", jdk.toString(), "MESH_JAVA_OPTS", "-Xmx1g  -Dx=*"), "--no-console");
        List<String> args = call.args();
        int jar = args.indexOf("-jar");
        assertEquals(List.of("-Xmx1g", "-Dx=*"), args.subList(jar - 2, jar), "user options last, unexpanded");
        assertTrue(args.indexOf("-XX:AOTCache=" + dir.resolve("mesh.aot")) >= 0, args.toString());
        assertTrue(args.indexOf("-Xmx256m") < args.indexOf("-Xmx1g"), "the user's heap wins");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            int trim = args.indexOf("-XX:TrimNativeHeapInterval=2000");
            assertTrue(trim >= 0 && trim < args.indexOf("-Xmx1g"), "Linux trims, and the user can override: " + args);
        }
        assertEquals("--no-console", args.getLast());
    }

    @Test
    void trainingWritesTheCacheBesideTheJar() throws Exception {
        Path jdk = jdk(tmp.resolve("jdk25"), "25", 0);
        Files.writeString(dir.resolve("mesh.aot"), "stale cache");
        Call call = run(Map.of("JAVA_HOME", jdk.toString()), "--aot-train");
        assertTrue(call.args().contains("-XX:AOTCacheOutput=" + dir.resolve("mesh.aot")), call.args().toString());
        assertFalse(call.args().stream().anyMatch(a -> a.startsWith("-XX:AOTCache=")), "the old cache is not read");
        assertEquals("--aot-train", call.args().getLast());
    }

    @Test
    void aBrokenCacheIsSkippedSilently() throws Exception {
        // a real JDK (this test's) and a jar that runs the compiled mesh classes
        Files.delete(dir.resolve("mesh.jar"));
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH,
                Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toString());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("mesh.jar")), manifest)) {
            out.flush();
        }
        Files.writeString(dir.resolve("mesh.aot"), "not a cache of this JDK");
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MESH_JAVA_OPTS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.strip().matches("gophermesh \\S+"), "only the version, no cache warning: " + output);
    }

    private static Path executable(Path path, String text) throws IOException {
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
