package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;

/** Children started through posix_spawn behave as the JDK's own do. */
@Timeout(30)
class PosixSpawnTest {
    private static PosixSpawn spawn;

    @BeforeAll
    static void load() {
        spawn = PosixSpawn.load().orElse(null);
        assumeTrue(spawn != null, "needs Linux with glibc >= 2.34 and native access");
    }

    @Test
    void theMeshUsesThisPathForPipedChildren() {
        assertTrue(Spawner.spawnsDirectly());
        assertTrue(PosixSpawn.handles(new ProcessBuilder("x")));
        assertFalse(PosixSpawn.handles(new ProcessBuilder("x").redirectError(ProcessBuilder.Redirect.DISCARD)));
        assertFalse(PosixSpawn.handles(new ProcessBuilder("x").redirectErrorStream(true)));
    }

    @Test
    void pipesEnvironmentDirectoryAndExitCode(@TempDir Path dir) throws Exception {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "read line; echo \"$line $GM_VALUE $(pwd)\"; echo oops >&2; exit 3")
                .directory(dir.toFile());
        b.environment().put("GM_VALUE", "from-env");
        Process p = spawn.start(b, null);
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.waitFor());
        assertEquals("hello from-env " + dir.toRealPath() + "\n", out);
        assertEquals("oops\n", err);
        assertFalse(p.isAlive());
        assertEquals(3, p.exitValue());
        assertEquals(p, p.onExit().get(5, TimeUnit.SECONDS));
    }

    @Test
    void aChildWithAnUnchangedEnvironmentGetsTheMeshsOwn() throws Exception {
        Map<String, String> seen = environmentSeenBy(new ProcessBuilder("env", "-0"));
        assertEquals(System.getenv(), seen);
    }

    @Test
    void aChangedEnvironmentAndItsArgumentsReachTheChildByteForByte() throws Exception {
        ProcessBuilder b = new ProcessBuilder("/usr/bin/env", "-0", "GM_ARG=ünï ✓ 𝄞");
        Map<String, String> expected = b.environment();
        expected.put("GM_WIDE", "äöü ✓ 𝄞");
        expected.put("GM_EMPTY", "");
        expected.remove("HOME");
        Map<String, String> want = new HashMap<>(expected);
        want.put("GM_ARG", "ünï ✓ 𝄞");

        Map<String, String> seen = environmentSeenBy(b);
        assertEquals(want, seen);
    }

    @Test
    void theChildHasOnlyItsStandardStreamsAndTheSignalsAJdkChildHas() throws Exception {
        // the test JVM holds many descriptors (jars, sockets, this test's pipes): none may leak
        // the masks are read by grep of itself, after the shell has exec'd it: a shell that is
        // waiting for a child of its own has every signal blocked for a moment, which a read of
        // the shell's status would sometimes catch
        String script = "ls /proc/$$/fd; exec grep -E '^Sig(Blk|Ign):' /proc/self/status";
        Process p = spawn.start(new ProcessBuilder("sh", "-c", script), null);
        List<String> lines = lines(p);
        assertEquals(0, p.waitFor());
        assertEquals(List.of("0", "1", "2"), lines.subList(0, 3), "descriptors, then signal masks: " + lines);

        Process jdk = new ProcessBuilder("sh", "-c", script).start();
        List<String> jdkLines = lines(jdk);
        assertEquals(0, jdk.waitFor());
        assertEquals(jdkLines.subList(jdkLines.size() - 2, jdkLines.size()), lines.subList(3, lines.size()),
                "blocked and ignored signals");
        assertTrue(lines.get(3).matches("SigBlk:\\s+0+"), lines.get(3));
    }

    /** Runs {@code env -0} as built by {@code b} and returns the variables it printed. */
    private static Map<String, String> environmentSeenBy(ProcessBuilder b) throws Exception {
        Process p = spawn.start(b, null);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        Map<String, String> seen = new HashMap<>();
        for (String entry : out.split("\u0000")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                seen.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return seen;
    }

    private static List<String> lines(Process p) throws IOException {
        return Arrays.asList(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n"));
    }

    @Test
    void virtualThreadsWaitingOnSilentChildrenLeaveTheOthersRunning() throws Exception {
        // more silent children than the scheduler has carriers, each read by a virtual thread
        int count = Runtime.getRuntime().availableProcessors() * 2 + 2;
        List<Process> children = new java.util.ArrayList<>();
        List<Thread> readers = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(count);
        try {
            for (int i = 0; i < count; i++) {
                Process p = spawn.start(new ProcessBuilder("sleep", "30"), null);
                children.add(p);
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        // nothing parks between this count and the read
                        reading.countDown();
                        p.getInputStream().read();
                    } catch (IOException e) {
                        // the child is killed below
                    }
                }));
            }
            assertTrue(reading.await(5, TimeUnit.SECONDS), "every reader reached its read");
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            Thread.ofVirtual().start(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS), "another virtual thread got a carrier");
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        for (Thread t : readers) {
            assertTrue(t.join(Duration.ofSeconds(5)), "a reader saw its child's end");
        }
    }

    @Test
    void aChildEndedBySignalReportsTheJdksCode() throws Exception {
        Process killed = spawn.start(new ProcessBuilder("sh", "-c", "kill -KILL $$"), null);
        assertEquals(128 + 9, killed.waitFor());

        Process stopped = spawn.start(new ProcessBuilder("sleep", "30"), null);
        assertTrue(stopped.isAlive());
        assertFalse(stopped.waitFor(50, TimeUnit.MILLISECONDS));
        assertThrows(IllegalThreadStateException.class, stopped::exitValue);
        stopped.destroy();
        assertTrue(stopped.waitFor(5, TimeUnit.SECONDS));
        assertEquals(128 + 15, stopped.exitValue());
    }

    @Test
    void aChildLeavesTheWatchdogsListBeforeItIsReaped() throws Exception {
        Watchdog watchdog = new Watchdog();
        try {
            Process p = spawn.start(new ProcessBuilder("sleep", "30"), watchdog);
            assertTrue(watchdog.watching(p.pid()), "on the list once started");
            p.destroy();
            // the exit code is known only after the reap, and the pid leaves the list before it
            assertEquals(128 + 15, p.waitFor());
            assertFalse(watchdog.watching(p.pid()));
        } finally {
            long shell = watchdog.pid();
            watchdog.close();
            Await.until(Duration.ofSeconds(5), "the test's watchdog to exit",
                    () -> ProcessHandle.of(shell).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void anExitedChildIsReaped() throws Exception {
        Process p = spawn.start(new ProcessBuilder("true"), null);
        long pid = p.pid();
        assertEquals(0, p.waitFor());
        Await.until(Duration.ofSeconds(5), "pid " + pid + " to be reaped, not left a zombie",
                () -> !Files.exists(Path.of("/proc", Long.toString(pid))) || !ProcState.zombie(pid));
        assertFalse(ProcState.zombie(pid));
    }

    @Test
    void theMeshsEndsOfThePipesCloseWithTheirStreams() throws Exception {
        Set<String> before = pipesOpen();
        Process p = spawn.start(new ProcessBuilder("cat"), null);
        Set<String> ours = pipesOpen();
        ours.removeAll(before);
        assertTrue(ours.size() >= 3, "stdin, stdout and stderr are pipes: " + ours);
        p.getOutputStream().write('x');
        p.getOutputStream().close();
        assertEquals("x", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.getErrorStream().readAllBytes().length);
        p.getInputStream().close();
        p.getErrorStream().close();
        assertEquals(0, p.waitFor());
        Set<String> left = pipesOpen();
        left.retainAll(ours);
        assertEquals(Set.of(), left, "no end of the child's pipes stays open in the mesh");

        Set<String> beforeFailure = pipesOpen();
        assertThrows(IOException.class, () -> spawn.start(new ProcessBuilder("no-such-program-gm"), null));
        Set<String> afterFailure = pipesOpen();
        afterFailure.removeAll(beforeFailure);
        assertEquals(Set.of(), afterFailure, "a failed start leaves no pipe open");
    }

    @Test
    void theChildsHandleSignalsItOnlyUntilItIsReaped() throws Exception {
        Process p = spawn.start(new ProcessBuilder("sleep", "30"), null);
        try {
            handleOfALiveChild(p);
        } finally {
            p.destroyForcibly();
        }

        Process quick = spawn.start(new ProcessBuilder("true"), null);
        assertEquals(0, quick.waitFor());
        assertTrue(quick.toHandle().info().command().isEmpty(), "nothing is known of a reaped child");
        assertEquals(0, quick.toHandle().descendants().count());
    }

    private static void handleOfALiveChild(Process p) throws Exception {
        ProcessHandle h = p.toHandle();
        assertEquals(p.pid(), h.pid());
        assertTrue(h.isAlive());
        assertEquals(ProcessHandle.current().pid(), h.parent().orElseThrow().pid());
        assertTrue(h.info().command().orElse("").endsWith("sleep"), h.info().toString());
        assertTrue(h.destroyForcibly());
        assertEquals(h, h.onExit().get(5, TimeUnit.SECONDS));
        assertEquals(128 + 9, p.exitValue());
        assertFalse(h.isAlive());
        assertFalse(h.destroy(), "a reaped child's pid may be another process's: no signal");
        assertTrue(h.parent().isEmpty());
    }

    @Test
    void aRehearsalLeavesNoPipeOpenAndStartsNothing() throws Exception {
        Set<String> before = pipesOpen();
        Set<Long> children = new HashSet<>();
        ProcessHandle.current().children().forEach(c -> children.add(c.pid()));
        for (int i = 0; i < 20; i++) {
            spawn.rehearse();
        }
        Set<String> left = pipesOpen();
        left.removeAll(before);
        assertEquals(Set.of(), left, "pipes the rehearsals left open");
        assertTrue(ProcessHandle.current().children().allMatch(c -> children.contains(c.pid())),
                "a rehearsal started a child");
    }

    /** Targets of this JVM's descriptors that are pipes, e.g. {@code pipe:[12345]}. */
    private static Set<String> pipesOpen() throws IOException {
        Set<String> pipes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("pipe:")) {
                        pipes.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile (the directory stream's own descriptor among them)
                }
            }
        }
        return pipes;
    }

    @Test
    void startFailuresNameTheProgramAndTheDirectory(@TempDir Path dir) {
        IOException missing = assertThrows(IOException.class,
                () -> spawn.start(new ProcessBuilder("no-such-program-gm", "x"), null));
        assertTrue(missing.getMessage().contains("\"no-such-program-gm\"")
                && missing.getMessage().contains("No such file or directory"), missing.getMessage());

        Path gone = dir.resolve("gone");
        IOException noDir = assertThrows(IOException.class,
                () -> spawn.start(new ProcessBuilder("true").directory(gone.toFile()), null));
        assertTrue(noDir.getMessage().contains(gone.toString()), noDir.getMessage());

        IOException nul = assertThrows(IOException.class, () -> spawn.start(new ProcessBuilder("true", "a\u0000b"), null));
        assertTrue(nul.getMessage().contains("null character"), nul.getMessage());
    }
}
