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

/** The spawner ties children to the mesh's life; the tree stop treats zombies as gone. */
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
        // twelve starts at once over four forking threads: each child's parent-death signal is tied
        // to whichever thread forked it, and none of those threads may end before the mesh does
        childrenDieWithTheMesh(12);
    }

    private static void childrenDieWithTheMesh(int count) throws Exception {
        assumeTrue(Spawner.diesWithMesh(), "needs setpriv (util-linux) on Linux");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = location(Spawner.class) + File.pathSeparator + location(PdeathsigHelper.class);
        String script = Workers.dir().resolve("process").resolve("never_binds.py").toString();
        Process mesh = new ProcessBuilder(java, "-XX:ActiveProcessorCount=4", "-cp", classpath,
                PdeathsigHelper.class.getName(), Integer.toString(count), Fixture.PYTHON, "-u", script)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<Long> children = new ArrayList<>();
        try (BufferedReader out = mesh.inputReader()) {
            for (int i = 0; i < count; i++) {
                String line = out.readLine();
                assertNotNull(line, "the helper printed " + i + " of " + count + " pids");
                children.add(Long.parseLong(line.trim()));
            }
            for (long pid : children) {
                assertTrue(Fixture.running(pid), "child " + pid + " runs");
            }
            // setpriv asks for the signal just before it becomes the program; a mesh killed before
            // that moment (a few milliseconds after the start returns) cannot be covered
            Await.until(Duration.ofSeconds(10), "every child to be past setpriv",
                    () -> children.stream().allMatch(SpawnerTest::pastSetpriv));

            mesh.destroyForcibly();
            mesh.waitFor();

            Await.until(Duration.ofSeconds(5), "all " + count + " children to die with their parent",
                    () -> children.stream().noneMatch(Fixture::running));
        } finally {
            ProcessTree.kill(mesh.toHandle());
            for (long pid : children) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static boolean pastSetpriv(long pid) {
        try {
            String exe = java.nio.file.Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
            return !exe.endsWith("/setpriv") && !exe.endsWith("/jspawnhelper");
        } catch (IOException e) {
            return false;
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
