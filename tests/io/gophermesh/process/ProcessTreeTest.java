package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Workers;

/** Finding and stopping a process together with everything it started. */
@Timeout(60)
class ProcessTreeTest {

    @Test
    void descendantsAreTheSameTheJdkFindsChildrenAndGrandchildren() throws Exception {
        // a shell with two children, one of which has a child of its own
        Process root = new ProcessBuilder("sh", "-c",
                "sleep 300 & sh -c 'sleep 300 & echo $!; wait' & echo $!; wait")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = root.inputReader()) {
            Set<Long> printed = new HashSet<>();
            printed.add(Long.parseLong(out.readLine().trim()));
            printed.add(Long.parseLong(out.readLine().trim()));
            Await.until(Duration.ofSeconds(10), "three processes below the root",
                    () -> root.toHandle().descendants().count() == 3);

            Set<Long> ours = pids(ProcessTree.descendants(root.toHandle()));
            assertEquals(pids(root.toHandle().descendants().toList()), ours);
            assertTrue(ours.containsAll(printed), ours + " holds " + printed);

            ProcessTree.kill(root.toHandle());
            assertTrue(ours.stream().noneMatch(Fixture::running), "the whole tree is gone");
        } finally {
            ProcessTree.kill(root.toHandle());
        }
    }

    @Test
    void aChildStartedByAnotherThreadOfTheParentIsFound() throws Exception {
        Process root = new ProcessBuilder(Fixture.PYTHON, "-u",
                Workers.dir().resolve("process").resolve("thread_child.py").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long child = -1;
        try (BufferedReader out = root.inputReader()) {
            child = Long.parseLong(out.readLine().trim());
            Set<Long> ours = pids(ProcessTree.descendants(root.toHandle()));
            assertEquals(Set.of(child), ours);
        } finally {
            ProcessTree.kill(root.toHandle());
            // by pid too, so that a failure to find it leaves nothing running
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aProcessThatIsGoneHasNoDescendants() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertEquals(List.of(), ProcessTree.descendants(p.toHandle()));
    }

    private static Set<Long> pids(List<ProcessHandle> handles) {
        Set<Long> pids = new HashSet<>();
        handles.forEach(h -> pids.add(h.pid()));
        return pids;
    }
}
