package io.gophermesh.process;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One start of a managed backend, from the decision to start until the process is gone. Fields
 * without {@code final} are written under the owning {@link ManagedProcess}'s lock (the process,
 * exit and pumps only by the supervisor thread, which may read them without it); the futures are
 * how callers wait on a run without that lock.
 */
final class Run {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.process");
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    /** Completes when the port accepted, or exceptionally with a {@link ColdStartException}. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Completes when the process is gone and the owner has moved on. */
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Wakes the supervisor: the process exited or a stop was requested. */
    final CompletableFuture<Void> wake = new CompletableFuture<>();
    /** The probe's connection, for the first request that waits for this start. */
    final ProbedConnection probed = new ProbedConnection();
    /** {@link System#nanoTime()} when the start was decided; start_timeout counts from here. */
    final long decidedNanos = System.nanoTime();

    Process process;
    CompletableFuture<Process> exit;
    Thread out;
    Thread err;
    long pid;
    Instant startedAt;
    boolean seenReady;
    Duration stopGrace;
    String stopReason;

    /** {@return true once the process was started and has exited} */
    boolean exited() {
        return exit != null && exit.isDone();
    }

    /** {@return true when someone asked this run to stop} */
    boolean stopRequested() {
        return stopGrace != null;
    }

    /** Asks the supervisor to stop the process tree; the first request's grace wins. */
    void requestStop(Duration grace, String reason) {
        if (stopGrace == null) {
            stopGrace = grace;
            stopReason = reason;
        }
        wake.complete(null);
    }

    /** {@return true while the process serves: seen ready, alive, and no stop asked for} */
    boolean serving() {
        return seenReady && !exited() && !stopRequested();
    }

    /**
     * Waits for the exited process to be reaped and for its last output to be read.
     *
     * @param drain how long the pipes may stay open after the exit (a leftover child may hold them)
     * @return the exit code, or {@code unknown}
     */
    String reap(Duration drain, String label) {
        String code = "unknown";
        try {
            if (process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                code = Integer.toString(process.exitValue());
            } else {
                LOG.log(Level.WARNING, () -> label + ": pid " + pid + " not reaped after " + EXIT_WAIT);
            }
            out.join(drain);
            err.join(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return code;
    }

    /** Waits for {@link #finished}, keeping the caller's interrupt for later. */
    void awaitFinished() {
        boolean interrupted = false;
        while (true) {
            try {
                finished.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
