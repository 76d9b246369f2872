package io.gophermesh.process;

import java.time.Instant;

/**
 * What a managed backend is doing now.
 *
 * @param state       life-cycle state
 * @param pid         process id, 0 when none runs
 * @param startedAt   start time of the running process, {@code null} when none runs
 * @param nextAttempt in {@link BackendState#BACKOFF}: when the next start may happen, else {@code null}
 */
public record ProcessSnapshot(BackendState state, long pid, Instant startedAt, Instant nextAttempt) {
    /** The snapshot of a backend with no process. */
    public static final ProcessSnapshot DORMANT = new ProcessSnapshot(BackendState.DORMANT, 0, null, null);
}
