package io.gophermesh.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Stops a process together with every descendant it has started. */
public final class ProcessTree {
    private static final Duration FORCE_WAIT = Duration.ofSeconds(2);
    /** Whether this kernel lists each thread's children under /proc (Linux with CONFIG_PROC_CHILDREN). */
    private static final boolean CHILDREN_LISTS = Files.exists(
            Path.of("/proc/self/task", Long.toString(ProcessHandle.current().pid()), "children"));

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
                    late.addAll(descendants(p));
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
        List<ProcessHandle> tree = descendants(root);
        tree.add(root);
        return tree;
    }

    /**
     * Lists every process below {@code root}, children before their own children. On Linux it
     * follows {@code /proc/PID/task/TID/children} down from the root, a few small reads; the JDK's
     * {@link ProcessHandle#descendants()} reads the status of every process on the machine, which
     * costs milliseconds on a busy host and would be paid once per stdio child. Both are snapshots
     * taken process by process, equally racy with forks under way.
     *
     * @param root process whose descendants are wanted
     * @return a snapshot; processes forked or reaped meanwhile may be missing
     */
    public static List<ProcessHandle> descendants(ProcessHandle root) {
        List<ProcessHandle> found = new ArrayList<>();
        if (!root.isAlive()) {
            return found; // its children, if it had any, went to init when it exited
        }
        if (!CHILDREN_LISTS) {
            root.descendants().forEach(found::add);
            return found;
        }
        Deque<Long> parents = new ArrayDeque<>();
        parents.add(root.pid());
        while (!parents.isEmpty()) {
            for (long pid : children(parents.poll())) {
                ProcessHandle.of(pid).ifPresent(found::add);
                parents.add(pid);
            }
        }
        return found;
    }

    /**
     * Children of every thread of {@code pid}; none when it is gone. Most programs a stdio route
     * starts have one thread, so the thread list is read only when the task folder's link count
     * (two plus the number of threads) says there is more than one: one {@code stat} instead of a
     * directory listing, for each child of each connection.
     */
    private static List<Long> children(long pid) {
        List<Long> kids = new ArrayList<>();
        Path taskDir = Path.of("/proc", Long.toString(pid), "task");
        try {
            if (((Number) Files.getAttribute(taskDir, "unix:nlink")).intValue() <= 3) {
                addChildren(taskDir.resolve(Long.toString(pid)), kids);
                return kids;
            }
        } catch (NoSuchFileException e) {
            return kids; // gone: its children, if it had any, went to init when it exited
        } catch (IOException | RuntimeException e) {
            // no such attribute here: the listing below finds out
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                addChildren(task, kids);
            }
        } catch (IOException e) {
            // the process is gone: it has no children any more
        }
        return kids;
    }

    private static void addChildren(Path task, List<Long> kids) {
        String list;
        try {
            list = Files.readString(task.resolve("children"));
        } catch (IOException e) {
            return; // the thread ended meanwhile
        }
        for (String child : list.trim().split(" ")) {
            if (!child.isEmpty()) {
                kids.add(Long.parseLong(child));
            }
        }
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
