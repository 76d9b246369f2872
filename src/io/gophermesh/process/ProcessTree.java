package io.gophermesh.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Stops a process together with every descendant it has started. */
public final class ProcessTree {
    private static final Duration FORCE_WAIT = Duration.ofSeconds(2);

    private ProcessTree() {
    }

    /**
     * Asks {@code root} and all its descendants to terminate (SIGTERM), waits up to {@code grace}
     * for all of them, then kills what is left (SIGKILL). Descendants are collected before any
     * signal, because once the root is gone its children are re-parented and can no longer be found.
     * A process that has exited but was not reaped (a zombie) counts as gone.
     *
     * @param root  process to stop
     * @param grace time the tree has to exit politely
     * @return true when everything had exited politely
     */
    public static boolean stop(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = collect(root);
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        boolean polite = awaitGone(tree, grace);
        if (!polite) {
            // processes started during the grace period belong to the tree too
            List<ProcessHandle> late = new ArrayList<>();
            for (ProcessHandle p : tree) {
                if (p.isAlive()) {
                    p.descendants().forEach(late::add);
                }
            }
            tree.addAll(late);
            for (ProcessHandle p : tree) {
                p.destroyForcibly();
            }
            awaitGone(tree, FORCE_WAIT);
        }
        return polite;
    }

    /**
     * Kills {@code root} and all its descendants at once (SIGKILL) and waits briefly for them.
     *
     * @param root process to kill
     */
    public static void kill(ProcessHandle root) {
        List<ProcessHandle> tree = collect(root);
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
        awaitGone(tree, FORCE_WAIT);
    }

    private static List<ProcessHandle> collect(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        return tree;
    }

    /**
     * Polls rather than waiting on {@link ProcessHandle#onExit()}: for a process that is not our
     * child the JDK polls too, but starting at 300 ms, and it never completes for a zombie.
     */
    private static boolean awaitGone(List<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = Duration.ofMillis(1).toNanos();
        long maxPause = Duration.ofMillis(50).toNanos();
        while (tree.stream().anyMatch(ProcState::running)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return tree.stream().noneMatch(ProcState::running);
            }
            pause = Math.min(pause * 2, maxPause);
        }
        return true;
    }
}
