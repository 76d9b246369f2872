package io.gophermesh.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops a process together with every descendant it has started. */
public final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * Asks {@code root} and all its descendants to terminate (SIGTERM), waits up to {@code grace}
     * for all of them, then kills what is left (SIGKILL). Descendants are collected before any
     * signal, because once the root is gone its children are re-parented and can no longer be found.
     *
     * @param root  process to stop
     * @param grace time the tree has to exit politely
     * @return true when everything had exited politely
     */
    public static boolean stop(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        boolean polite = awaitExit(tree, grace);
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
            awaitExit(tree, Duration.ofSeconds(2));
        }
        return polite;
    }

    /**
     * Kills {@code root} and all its descendants at once (SIGKILL) and waits briefly for them.
     *
     * @param root process to kill
     */
    public static void kill(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
        awaitExit(tree, Duration.ofSeconds(2));
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : tree) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return tree.stream().noneMatch(ProcessHandle::isAlive);
            }
            CompletableFuture<ProcessHandle> exit = p.onExit();
            try {
                exit.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // not our child to wait for: fall back to polling below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return tree.stream().noneMatch(ProcessHandle::isAlive);
    }
}
