package io.gophermesh.process;

import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import io.gophermesh.config.BackendConfig;

/**
 * The one owner of a managed backend's process ({@code cmd} set, not internal): cold start with
 * single flight, readiness, log capture, supervision, crash-loop backoff, scale to zero, and
 * stopping of the whole process tree.
 *
 * <p>The process runs in the folder given at construction (the engine passes the config file's
 * folder) with the mesh's environment; its stdin is
 * closed. All methods are safe to call from any thread, virtual threads included.
 */
public final class ManagedProcess {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.process");
    private static final int LAST_LINES = 10;

    private final String label;
    private final LogBuffer log;
    private final Timing timing;
    private final Launch launch;
    private final IdleClock idle;
    private final RunSupervisor supervisor;

    /**
     * Guards the three fields below and the runs' mutable fields, here and in the supervisor; never
     * held while waiting.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final CrashLoop crashLoop;
    private Run current;
    private boolean closed;

    /**
     * Creates the owner of a backend process that runs in the mesh's working directory.
     *
     * @param label  how log lines and errors name this backend, e.g. {@code route 18081 backend api-a}
     * @param config the backend's config
     * @param log    where the process's stdout and stderr lines go
     * @throws IllegalArgumentException when the backend is not a managed one with a port
     */
    public ManagedProcess(String label, BackendConfig config, LogBuffer log) {
        this(label, config, log, null, Timing.DEFAULT);
    }

    /**
     * Creates the owner of a backend process that runs in {@code workDir}.
     *
     * @param label   how log lines and errors name this backend, e.g. {@code route 18081 backend api-a}
     * @param config  the backend's config
     * @param log     where the process's stdout and stderr lines go
     * @param workDir folder the process runs in (relative args resolve there), {@code null} for the
     *                mesh's working directory
     */
    public ManagedProcess(String label, BackendConfig config, LogBuffer log, Path workDir) {
        this(label, config, log, workDir, Timing.DEFAULT);
    }

    ManagedProcess(String label, BackendConfig config, LogBuffer log, Timing timing) {
        this(label, config, log, null, timing);
    }

    ManagedProcess(String label, BackendConfig config, LogBuffer log, Path workDir, Timing timing) {
        this.launch = Launch.of(label, config, workDir);
        this.label = label;
        this.log = log;
        this.timing = timing;
        this.idle = new IdleClock(config.idleTimeout());
        this.supervisor = new RunSupervisor(label, log, timing, launch, config.effectiveStartTimeout(), idle, lock);
        this.crashLoop = new CrashLoop(timing, config.effectiveMaxStartFailures());
    }

    /**
     * Makes sure the backend accepts connections, starting it when it does not. Concurrent callers
     * share one start. Returns at once, without probing, when the process runs and was seen ready;
     * a caller that arrives while the process is being stopped waits for the stop and starts it anew.
     *
     * @throws ColdStartException when the process exits early, times out, is in backoff or Failed,
     *                            or this object was closed; it carries the backend's last log lines
     * @throws InterruptedException when the caller is interrupted while waiting (the start goes on)
     */
    public void ensureReady() throws ColdStartException, InterruptedException {
        ensureReady(false);
    }

    /**
     * As {@link #ensureReady()}, for a caller that is about to connect: the first caller that waited
     * for a start gets the connection with which the start found the port accepting.
     *
     * @return that connection, open and now the caller's to use or close; {@code null} for every other
     *         caller, who connects as usual
     * @throws ColdStartException as {@link #ensureReady()}
     * @throws InterruptedException as {@link #ensureReady()}
     */
    public SocketChannel ensureReadyConnected() throws ColdStartException, InterruptedException {
        return ensureReady(true);
    }

    private SocketChannel ensureReady(boolean connecting) throws ColdStartException, InterruptedException {
        while (true) {
            Run run;
            boolean stopping = false;
            boolean startIt = false;
            lock.lock();
            try {
                idle.touch();
                if (closed) {
                    throw new ColdStartException(label + ": stopped for good (mesh shutting down or config reloaded)",
                            log.tail(LAST_LINES), null);
                }
                run = current;
                if (run == null) {
                    ColdStartException refusal = crashLoop.refusal(label, log.tail(LAST_LINES), Instant.now());
                    if (refusal != null) {
                        throw refusal;
                    }
                    run = new Run();
                    current = run;
                    startIt = true;
                } else if (run.serving()) {
                    return null;
                } else {
                    stopping = run.exited() || run.stopRequested();
                }
                if (connecting && !stopping) {
                    run.probed.join();
                }
            } finally {
                lock.unlock();
            }
            if (startIt) {
                Run started = run;
                Thread.ofVirtual().name("mesh-supervisor " + label).start(() -> supervise(started));
            }
            if (stopping) {
                await(run.finished);
                continue;
            }
            try {
                await(run.ready);
            } catch (ColdStartException | InterruptedException | RuntimeException e) {
                if (connecting) {
                    run.probed.leave(false);
                }
                throw e;
            }
            return connecting ? run.probed.leave(true) : null;
        }
    }

    /** Counts an exchange that starts on this backend (scale-to-zero needs to know when it is idle). */
    public void exchangeStarted() {
        idle.exchangeStarted();
    }

    /** Counts the end of an exchange counted by {@link #exchangeStarted()}. */
    public void exchangeEnded() {
        idle.exchangeEnded();
    }

    /** {@return what the process is doing now; a process that died shows Dormant at once} */
    public ProcessSnapshot snapshot() {
        lock.lock();
        try {
            Run run = current;
            if (run != null && !run.exited()) {
                BackendState state = run.seenReady ? BackendState.RUNNING : BackendState.STARTING;
                return new ProcessSnapshot(state, run.pid, run.startedAt, null);
            }
            if (closed) {
                return ProcessSnapshot.DORMANT;
            }
            if (crashLoop.failed()) {
                return new ProcessSnapshot(BackendState.FAILED, 0, null, null);
            }
            if (crashLoop.waitLeft(Instant.now()) != null) {
                return new ProcessSnapshot(BackendState.BACKOFF, 0, null, crashLoop.nextAttempt());
            }
            return ProcessSnapshot.DORMANT;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the whole process tree (SIGTERM, then SIGKILL after a short grace) and resets a Failed
     * or Backoff state so the next request starts it again. Returns when the tree is gone.
     *
     * @return true when a process was running or starting
     */
    public boolean kill() {
        Run run;
        boolean running;
        lock.lock();
        try {
            crashLoop.reset();
            run = current;
            running = run != null && !run.exited();
            if (run != null) {
                run.requestStop(timing.killGrace(), "kill requested");
            }
        } finally {
            lock.unlock();
        }
        if (run == null) {
            return false;
        }
        run.awaitFinished();
        lock.lock();
        try {
            // a start that failed while we were stopping it is not a crash
            crashLoop.reset();
        } finally {
            lock.unlock();
        }
        return running;
    }

    /**
     * Stops the process tree for good (shutdown, reload); later {@link #ensureReady} calls fail.
     * Returns when the tree is gone.
     *
     * @param grace time the tree has to exit before it is killed by force
     */
    public void close(Duration grace) {
        Run run;
        lock.lock();
        try {
            closed = true;
            run = current;
            if (run != null) {
                run.requestStop(grace, "closing");
            }
        } finally {
            lock.unlock();
        }
        if (run != null) {
            run.awaitFinished();
        }
    }

    /** The life of one run, on its own virtual thread; whatever goes wrong, the run finishes. */
    private void supervise(Run run) {
        try {
            RunSupervisor.Ending ending = supervisor.superviseRun(run);
            finish(run, ending.outcome(), ending.failure());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, label + ": supervision failed", e);
            Process process = run.process;
            if (process != null) {
                ProcessTree.kill(process.toHandle());
            }
            if (!run.finished.isDone()) {
                finish(run, RunSupervisor.Outcome.SPAWN_FAILED, label + ": supervision failed: " + e);
            }
        }
    }

    /** Accounts for a finished run, lets the next one start, and answers its waiters. */
    private void finish(Run run, RunSupervisor.Outcome outcome, String failure) {
        ColdStartException error;
        String event = null;
        lock.lock();
        try {
            Instant now = Instant.now();
            Duration uptime = run.startedAt == null ? Duration.ZERO : Duration.between(run.startedAt, now);
            boolean crashed = switch (outcome) {
                case SPAWN_FAILED, TIMEOUT -> true;
                case EXITED -> !run.seenReady || uptime.compareTo(timing.crashWindow()) < 0;
                case READY, STOPPED -> false;
            };
            if (closed) {
                crashed = false;
            } else if (crashed) {
                crashLoop.failedStart(now);
                event = crashLoop.describe(now);
            } else {
                crashLoop.ended(uptime);
            }
            if (current == run) {
                current = null;
            }
            error = run.ready.isDone() ? null : new ColdStartException(
                    failure != null ? failure : label + ": stopped before port " + launch.port() + " was ready",
                    log.tail(LAST_LINES), crashLoop.waitLeft(now));
        } finally {
            lock.unlock();
        }
        if (event != null) {
            supervisor.note(event);
        }
        if (error != null) {
            run.ready.completeExceptionally(error);
        }
        run.finished.complete(null);
    }

    private void await(CompletableFuture<Void> future) throws ColdStartException, InterruptedException {
        try {
            future.get();
        } catch (ExecutionException e) {
            // each caller gets its own exception: the shared one's stack belongs to the supervisor
            if (e.getCause() instanceof ColdStartException c) {
                throw new ColdStartException(c.getMessage(), c.lastLines(), c.retryAfter());
            }
            throw new ColdStartException(label + ": start failed: " + e.getCause(), log.tail(LAST_LINES), null);
        }
    }
}
