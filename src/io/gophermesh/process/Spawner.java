package io.gophermesh.process;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts child processes so that they die with the mesh, even when the mesh is killed with SIGKILL:
 * each child is put on the list of the mesh's {@link Watchdog} before {@link #start} returns.
 *
 * <p>Where it can, a child with piped streams is started by {@link PosixSpawn}, without the JDK's
 * helper exec; anything else by {@link ProcessBuilder#start()}. Starts run on long-lived platform
 * threads, one per processor so that children of concurrent connections start in parallel; each is
 * created on first need. A start is a native call that would hold a virtual thread's carrier.
 */
public final class Spawner {
    private static final boolean WATCHED = Watchdog.available();
    private static final Watchdog WATCHDOG = new Watchdog();
    private static final Optional<PosixSpawn> POSIX_SPAWN = PosixSpawn.load();
    private static final ExecutorService FORKERS = forkers(Runtime.getRuntime().availableProcessors());

    private Spawner() {
    }

    /**
     * Starts {@code builder}'s command as a child that dies with the mesh.
     *
     * @param builder configured process builder
     * @return the started process
     * @throws IOException when the program cannot be started (missing binary, permissions)
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        String program = builder.command().getFirst();
        Future<Process> started = FORKERS.submit(() -> launch(builder));
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + program + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            if (!started.cancel(false)) {
                // the fork is under way: a child nobody owns would outlive us, so wait for it and stop it
                stopOrphan(started);
            }
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + program, e);
        }
    }

    private static Process launch(ProcessBuilder builder) throws IOException {
        if (POSIX_SPAWN.isPresent() && PosixSpawn.handles(builder)) {
            return POSIX_SPAWN.get().start(builder, WATCHED ? WATCHDOG : null);
        }
        Process child = builder.start();
        if (WATCHED) {
            WATCHDOG.watch(child);
        }
        return child;
    }

    /** {@return whether children with piped streams start without the JDK's helper exec} */
    static boolean spawnsDirectly() {
        return POSIX_SPAWN.isPresent();
    }

    /**
     * Threads that fork children. Core threads are started one per submitted task until there are
     * {@code count} and never time out; a task's failure stays in its {@link Future}.
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

    /**
     * Readies what the first child would otherwise wait for: calling this initialises the class,
     * whose fields link the native calls that start children; a start is rehearsed up to the call
     * that would start a child, and the watchdog's shell is started. See {@link SpawnPreparation}.
     */
    static void prepare() {
        POSIX_SPAWN.ifPresent(PosixSpawn::rehearse);
        if (WATCHED) {
            try {
                WATCHDOG.ready();
            } catch (IOException e) {
                // the first child tries again, and logs it if the shell still cannot start
            }
        }
    }

    /** {@return whether children are tied to the mesh's life on this machine} */
    public static boolean diesWithMesh() {
        return WATCHED;
    }

    /** {@return the watchdog's pid, or -1 while none runs} */
    static long watchdogPid() {
        return WATCHDOG.pid();
    }
}
