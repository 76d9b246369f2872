package io.gophermesh.process;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a run's supervisor thread does with its process: starts it, waits for its port, watches it
 * while it serves, stops it when asked to or idle, and reaps it. It only says how the run ended:
 * what that means for the crash loop, the next run and the waiting callers is decided by the
 * {@link ManagedProcess} it works for, whose lock it takes to touch the run's fields.
 */
final class RunSupervisor {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.process");

    /** How a run ended; READY only while it serves. */
    enum Outcome { READY, EXITED, TIMEOUT, STOPPED, SPAWN_FAILED }

    /**
     * @param outcome how the run ended
     * @param failure what callers waiting for the port are told, {@code null} for the owner's default
     */
    record Ending(Outcome outcome, String failure) {
    }

    private final String label;
    private final LogBuffer log;
    private final Timing timing;
    private final Launch launch;
    private final PortProbe probe;
    private final Duration startTimeout;
    private final IdleClock idle;
    private final ReentrantLock lock;

    /**
     * @param label        how log lines and errors name the backend
     * @param log          where the process's output and the {@code [mesh]} lines go
     * @param timing       grace, drain and probe intervals
     * @param launch       what to start and where its readiness is probed
     * @param startTimeout how long the port may take to accept
     * @param idle         when a serving process is stopped for idling
     * @param lock         the owner's lock, which guards the runs' mutable fields
     */
    RunSupervisor(String label, LogBuffer log, Timing timing, Launch launch, Duration startTimeout, IdleClock idle,
               ReentrantLock lock) {
        this.label = label;
        this.log = log;
        this.timing = timing;
        this.launch = launch;
        this.probe = new PortProbe(launch.host(), launch.port(), timing);
        this.startTimeout = startTimeout;
        this.idle = idle;
        this.lock = lock;
    }

    /** Takes {@code run} from the start of its process until the process is reaped. */
    Ending superviseRun(Run run) {
        Process process;
        try {
            process = launch.start();
        } catch (IOException e) {
            note("cannot start " + launch.line() + ": " + e.getMessage());
            return new Ending(Outcome.SPAWN_FAILED,
                    label + ": cannot start " + launch.program() + ": " + e.getMessage());
        }
        lock.lock();
        try {
            run.process = process;
            run.pid = process.pid();
            run.startedAt = Instant.now();
            run.exit = process.onExit();
        } finally {
            lock.unlock();
        }
        run.exit.thenRun(() -> run.wake.complete(null));
        note("started pid " + run.pid + ": " + launch.line());
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the backend gets no stdin either way
        }
        run.out = OutputPump.start(process.getInputStream(), log, label, "stdout");
        run.err = OutputPump.start(process.getErrorStream(), log, label, "stderr");

        Outcome outcome = awaitPort(run);
        if (outcome == Outcome.READY) {
            lock.lock();
            try {
                run.seenReady = true;
                idle.touch();
            } finally {
                lock.unlock();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - run.decidedNanos);
            // the waiting requests go first: writing the log line is not on their way
            run.probed.offer(probe.takeAccepted());
            run.ready.complete(null);
            note("pid " + run.pid + " ready on port " + launch.port() + " after " + Durations.millis(waited));
            outcome = watch(run);
        }
        String failure = null;
        if (outcome == Outcome.TIMEOUT) {
            failure = label + ": port " + launch.port() + " not ready after " + Durations.millis(startTimeout);
            note("stopping pid " + run.pid + ": port " + launch.port() + " not ready after "
                    + Durations.millis(startTimeout));
            ProcessTree.stop(process.toHandle(), timing.killGrace());
        } else if (outcome == Outcome.STOPPED) {
            note("stopping pid " + run.pid + ": " + run.stopReason);
            ProcessTree.stop(process.toHandle(), run.stopGrace);
            failure = label + ": stopped before port " + launch.port() + " was ready (" + run.stopReason + ")";
        }
        String code = run.reap(timing.drain(), label);
        note("pid " + run.pid + " exited with code " + code);
        if (outcome == Outcome.EXITED && !run.seenReady) {
            failure = label + ": exited with code " + code + " before port " + launch.port() + " was ready";
        }
        return new Ending(outcome, failure);
    }

    /** Appends a {@code [mesh]} line to the backend's log and logs it under the label. */
    void note(String event) {
        log.append(OutputPump.stamped("[mesh] " + event));
        LOG.log(Level.INFO, () -> label + ": " + event);
    }

    /** Probes the port until it accepts, the process exits, a stop is asked for, or time runs out. */
    private Outcome awaitPort(Run run) {
        PortProbe.Result result = probe.await(run.wake, run.decidedNanos, run.decidedNanos + startTimeout.toNanos());
        if (result == PortProbe.Result.ACCEPTING && run.wake.isDone()) {
            // something else could hold the port: only our live process counts
            ProbedConnection.close(probe.takeAccepted());
            return endedOutcome(run);
        }
        return switch (result) {
            case ACCEPTING -> Outcome.READY;
            case WOKEN -> endedOutcome(run);
            case TIMED_OUT -> Outcome.TIMEOUT;
            case INTERRUPTED -> stopOnInterrupt(run);
        };
    }

    /** Waits while the backend serves, until it exits, a stop is asked for, or it idles too long. */
    private Outcome watch(Run run) {
        while (true) {
            long waitNanos;
            lock.lock();
            try {
                if (run.stopRequested()) {
                    return Outcome.STOPPED;
                }
                if (run.exited()) {
                    return Outcome.EXITED;
                }
                waitNanos = idle.nanosUntilIdle();
                if (waitNanos == 0) {
                    // decided under the lock: an ensureReady from now on waits for this stop
                    run.requestStop(timing.killGrace(), "idle for " + Durations.millis(idle.timeout()));
                    return Outcome.STOPPED;
                }
            } finally {
                lock.unlock();
            }
            if (!PortProbe.sleepOn(run.wake, waitNanos)) {
                return stopOnInterrupt(run);
            }
        }
    }

    private Outcome endedOutcome(Run run) {
        lock.lock();
        try {
            return run.stopRequested() ? Outcome.STOPPED : Outcome.EXITED;
        } finally {
            lock.unlock();
        }
    }

    private Outcome stopOnInterrupt(Run run) {
        lock.lock();
        try {
            run.requestStop(timing.killGrace(), "supervisor interrupted");
            return Outcome.STOPPED;
        } finally {
            lock.unlock();
        }
    }
}
