package io.gophermesh.process;

import java.time.Duration;

import io.gophermesh.config.BackendConfig;

/**
 * The one owner of a managed backend's process ({@code cmd} set, not internal): cold start with
 * single flight, readiness, log capture, supervision, and stopping of the whole process tree.
 */
public final class ManagedProcess {

    /**
     * @param label  how log lines and errors name this backend, e.g. {@code route 18081 backend api-a}
     * @param config the backend's config
     * @param log    where the process's stdout and stderr lines go
     */
    public ManagedProcess(String label, BackendConfig config, LogBuffer log) {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Makes sure the backend accepts connections, starting it when it does not. Concurrent callers
     * share one start. Returns at once when the process is running and its port accepts.
     *
     * @throws ColdStartException when the process exits early, times out, or is in backoff
     * @throws InterruptedException when the caller is interrupted while waiting
     */
    public void ensureReady() throws ColdStartException, InterruptedException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Counts an exchange that starts on this backend (scale-to-zero needs to know when it is idle).
     */
    public void exchangeStarted() {
        throw new UnsupportedOperationException("todo");
    }

    /** Counts the end of an exchange counted by {@link #exchangeStarted()}. */
    public void exchangeEnded() {
        throw new UnsupportedOperationException("todo");
    }

    /** @return what the process is doing now */
    public ProcessSnapshot snapshot() {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Stops the whole process tree (polite signal, then force after a grace period) and resets a
     * Failed or Backoff state so the next request starts it again.
     *
     * @return true when a process was running
     */
    public boolean kill() {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Stops the process tree for good (shutdown, reload); later {@link #ensureReady} calls fail.
     *
     * @param grace time the tree has to exit before it is killed by force
     */
    public void close(Duration grace) {
        throw new UnsupportedOperationException("todo");
    }
}
