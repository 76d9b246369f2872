package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Workers;

/** The spawner ties children to the mesh's life through its watchdog; the tree stop treats zombies as gone. */
@Timeout(60)
class SpawnerTest {
    private final Fixture fixture = new Fixture();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void aChildDiesWhenTheMeshIsKilled() throws Exception {
        childrenDieWithTheMesh(1);
    }

    @Test
    void childrenStartedAtOnceFromManyThreadsAllDieWhenTheMeshIsKilled() throws Exception {
        // twelve starts at once over four forking threads: every one must be on the watchdog's list
        // by the time its start returns
        childrenDieWithTheMesh(12);
    }

    @Test
    void aKilledWatchdogIsReplacedAndTheNewOneKnowsEveryChild() throws Exception {
        assumeTrue(Spawner.diesWithMesh(), "needs /bin/sh");
        try (KilledMesh mesh = new KilledMesh(1)) {
            long first = mesh.children.getFirst();
            long watchdog = mesh.watchdog();
            ProcessHandle.of(watchdog).ifPresent(ProcessHandle::destroyForcibly);
            Await.until(Duration.ofSeconds(5), "the watchdog to die", () -> !Fixture.running(watchdog));

            long second = mesh.startOne();
            long replacement = mesh.lastWatchdog;
            assertTrue(replacement > 0 && replacement != watchdog, "a new watchdog: " + replacement);
            assertTrue(Fixture.running(first) && Fixture.running(second), "both children run");

            mesh.kill();
            Await.until(Duration.ofSeconds(5), "both children to die with the mesh",
                    () -> !Fixture.running(first) && !Fixture.running(second));
            Await.until(Duration.ofSeconds(5), "the new watchdog to exit", () -> !Fixture.running(replacement));
        }
    }

    private static void childrenDieWithTheMesh(int count) throws Exception {
        assumeTrue(Spawner.diesWithMesh(), "needs /bin/sh");
        try (KilledMesh mesh = new KilledMesh(count)) {
            for (long pid : mesh.children) {
                assertTrue(Fixture.running(pid), "child " + pid + " runs");
            }
            long watchdog = mesh.watchdog();
            assertTrue(Fixture.running(watchdog), "the watchdog runs");

            mesh.kill();

            Await.until(Duration.ofSeconds(5), "all " + count + " children to die with their parent",
                    () -> mesh.children.stream().noneMatch(Fixture::running));
            Await.until(Duration.ofSeconds(5), "the watchdog to exit", () -> !Fixture.running(watchdog));
        }
    }

    /** A JVM that starts children through the spawner and is then SIGKILLed. */
    private static final class KilledMesh implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final List<Long> children = new ArrayList<>();
        private long lastWatchdog = -1;

        KilledMesh(int count) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = location(Spawner.class) + File.pathSeparator + location(KilledMeshHelper.class);
            String script = Workers.dir().resolve("process").resolve("never_binds.py").toString();
            process = new ProcessBuilder(java, "-XX:ActiveProcessorCount=4", "--enable-native-access=ALL-UNNAMED",
                    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED", "-cp", classpath,
                    KilledMeshHelper.class.getName(), Integer.toString(count), Fixture.PYTHON, "-u", script)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            out = process.inputReader();
            for (int i = 0; i < count; i++) {
                children.add(Long.parseLong(line("pid " + (i + 1) + " of " + count)));
            }
        }

        long startOne() throws IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
            long pid = Long.parseLong(line("a further child's pid"));
            children.add(pid);
            lastWatchdog = Long.parseLong(line("the watchdog's pid"));
            return pid;
        }

        /** {@return the pid of the helper's watchdog shell} */
        long watchdog() {
            return process.toHandle().children()
                    .filter(p -> p.info().commandLine().orElse("").contains(Watchdog.NAME))
                    .mapToLong(ProcessHandle::pid)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no watchdog among the helper's children"));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        private String line(String what) throws IOException {
            String line = out.readLine();
            assertNotNull(line, "the helper printed " + what);
            return line.trim();
        }

        @Override
        public void close() throws IOException {
            ProcessTree.kill(process.toHandle());
            for (long pid : children) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            out.close();
        }
    }

    @Test
    void aMissingProgramIsReportedLikeTheJdkDoes() {
        IOException e = assertThrows(IOException.class,
                () -> Spawner.start(new ProcessBuilder("no-such-program-gm", "x")));
        assertTrue(e.getMessage().contains("no-such-program-gm"), e.getMessage());
    }

    @Test
    void aZombieCountsAsGone() throws Exception {
        // the child forks a grandchild that exits at once and is never waited for
        Process p = new ProcessBuilder(Fixture.PYTHON, "-c",
                "import os, sys, time\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = p.inputReader()) {
            long zombie = Long.parseLong(out.readLine().trim());
            Await.until(Duration.ofSeconds(5), "zombie", () -> ProcState.zombie(zombie));
            assertTrue(ProcessHandle.of(zombie).map(ProcessHandle::isAlive).orElse(false), "the JDK calls it alive");
            assertFalse(Fixture.running(zombie));
            assertFalse(ProcState.zombie(p.pid()));

            long t0 = System.nanoTime();
            assertTrue(ProcessTree.stop(p.toHandle(), Duration.ofSeconds(5)), "a polite stop");
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(4)) < 0,
                    "the zombie must not hold up the stop");
        } finally {
            ProcessTree.kill(p.toHandle());
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
