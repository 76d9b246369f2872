package io.gophermesh.process;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Counts failed starts in a row and says when the next start may happen. Not thread-safe: its
 * owner guards it with its own lock.
 */
final class CrashLoop {
    private final Timing timing;
    private final int maxFailures;
    private int failures;
    private Instant nextAttempt;
    private boolean failed;

    CrashLoop(Timing timing, int maxFailures) {
        this.timing = timing;
        this.maxFailures = Math.max(1, maxFailures);
    }

    /** Records a start that did not reach a stable run (early exit, timeout, crash soon after). */
    void failedStart(Instant now) {
        failures++;
        if (failures >= maxFailures) {
            failed = true;
            nextAttempt = null;
        } else {
            nextAttempt = now.plus(timing.backoff(failures));
        }
    }

    /** Records a process that ended after {@code uptime} without counting as a failed start. */
    void ended(Duration uptime) {
        if (uptime.compareTo(timing.stableAfter()) >= 0) {
            failures = 0;
            nextAttempt = null;
        }
    }

    /** Forgets all failures (kill, or a fresh object after reload). */
    void reset() {
        failures = 0;
        nextAttempt = null;
        failed = false;
    }

    int failures() {
        return failures;
    }

    boolean failed() {
        return failed;
    }

    /**
     * @param now the current time
     * @return how long starts are still held back, {@code null} when a start may happen now
     */
    Duration waitLeft(Instant now) {
        if (nextAttempt == null || !now.isBefore(nextAttempt)) {
            return null;
        }
        return Duration.between(now, nextAttempt);
    }

    /** {@return when the next start may happen, {@code null} when there is no backoff} */
    Instant nextAttempt() {
        return nextAttempt;
    }

    /** {@return the error for a start asked for now, {@code null} when a start may happen} */
    ColdStartException refusal(String label, List<String> lastLines, Instant now) {
        if (failed) {
            return new ColdStartException(label + ": gave up after " + failures
                    + " failed starts in a row; kill it or reload the config to try again", lastLines, null);
        }
        Duration left = waitLeft(now);
        if (left == null) {
            return null;
        }
        return new ColdStartException(label + ": " + failures + " failed start(s) in a row; next start in "
                + Durations.millis(left), lastLines, left);
    }

    /** {@return the log line for the state after a failed start} */
    String describe(Instant now) {
        if (failed) {
            return "gave up after " + failures + " failed starts in a row; kill it or reload the config to retry";
        }
        Duration left = waitLeft(now);
        return "failed start " + failures + " in a row; next start in " + Durations.millis(left == null ? Duration.ZERO : left);
    }
}
