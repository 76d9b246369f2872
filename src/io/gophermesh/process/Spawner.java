package io.gophermesh.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts child processes so that they die with the mesh, even when the mesh is killed with SIGKILL.
 *
 * <p>On Linux the command is prefixed with {@code setpriv --pdeathsig KILL --} when util-linux's
 * setpriv is present. The kernel delivers that signal when the <em>thread</em> that forked the child
 * exits, not the process; virtual threads' carriers come and go, so every spawn runs on a
 * long-lived platform thread that ends only with the JVM. There is one such thread per processor,
 * so that children of concurrent connections start in parallel; each is created on first need.
 */
public final class Spawner {
    private static final String SETPRIV = findSetpriv();
    private static final ExecutorService FORKERS = forkers(Runtime.getRuntime().availableProcessors());

    private Spawner() {
    }

    /**
     * Starts {@code builder}'s command as a child that dies with the mesh.
     *
     * @param builder configured process builder; its command is not modified
     * @return the started process
     * @throws IOException when the program cannot be started (missing binary, permissions)
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        List<String> command = builder.command();
        ProcessBuilder actual = builder;
        if (SETPRIV != null) {
            List<String> wrapped = new ArrayList<>(command.size() + 4);
            wrapped.add(SETPRIV);
            wrapped.add("--pdeathsig");
            wrapped.add("KILL");
            wrapped.add("--");
            wrapped.addAll(command);
            actual = new ProcessBuilder(wrapped)
                    .directory(builder.directory())
                    .redirectInput(builder.redirectInput())
                    .redirectOutput(builder.redirectOutput())
                    .redirectError(builder.redirectError())
                    .redirectErrorStream(builder.redirectErrorStream());
            actual.environment().clear();
            actual.environment().putAll(builder.environment());
            if (!resolvable(command.getFirst(), builder)) {
                // setpriv would start and then fail to exec: report a missing program as the JDK does
                throw new IOException("Cannot run program \"" + command.getFirst() + "\": not found");
            }
        }
        ProcessBuilder toStart = actual;
        Callable<Process> spawn = toStart::start;
        Future<Process> started = FORKERS.submit(spawn);
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + command.getFirst() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            if (!started.cancel(false)) {
                // the fork is under way: a child nobody owns would outlive us, so wait for it and stop it
                stopOrphan(started);
            }
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command.getFirst(), e);
        }
    }

    /**
     * Threads that fork children. Core threads are started one per submitted task until there are
     * {@code count}, never time out, and a task's failure stays in its {@link Future}: a forking
     * thread never exits before the JVM does, so no child loses its parent-death signal early.
     */
    private static ExecutorService forkers(int count) {
        AtomicInteger made = new AtomicInteger();
        int n = Math.max(1, count);
        return new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "mesh-spawner-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static void stopOrphan(Future<Process> started) {
        while (true) {
            try {
                ProcessTree.kill(started.get().toHandle());
                break;
            } catch (InterruptedException again) {
                // keep waiting: the caller's interrupt is restored once the child is gone
            } catch (ExecutionException | CancellationException failed) {
                break;
            }
        }
    }

    /** {@return whether children are tied to the mesh's life on this machine} */
    public static boolean diesWithMesh() {
        return SETPRIV != null;
    }

    private static boolean resolvable(String program, ProcessBuilder builder) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!p.isAbsolute() && builder.directory() != null) {
                p = builder.directory().toPath().resolve(p);
            }
            return Files.isExecutable(p);
        }
        String path = builder.environment().getOrDefault("PATH", System.getenv("PATH"));
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String findSetpriv() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
