package io.gophermesh.process;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Knows how long a backend has been idle: no exchange in flight and no new one, nor a call to
 * ensureReady, for {@code idle_timeout}. Lock-free, as exchanges count on every request.
 */
final class IdleClock {
    /** Returned by {@link #nanosUntilIdle()} when the backend never idles out. */
    static final long NEVER = Long.MAX_VALUE;

    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

    /** @param timeout idle time before a stop; {@code null}, zero or negative: never */
    IdleClock(Duration timeout) {
        this.timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? null : timeout;
    }

    /** Counts as activity without an exchange (an ensureReady, a start). */
    void touch() {
        lastActivity.set(System.nanoTime());
    }

    void exchangeStarted() {
        touch();
        inFlight.incrementAndGet();
    }

    void exchangeEnded() {
        // activity first, so a check that sees none in flight also sees this moment
        touch();
        inFlight.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }

    /**
     * @return 0 when idle now; otherwise how long to wait before asking again ({@link #NEVER}
     *         without a timeout). With exchanges in flight that is one full timeout: an exchange
     *         ending meanwhile moves the last activity, so the next answer is exact again.
     */
    long nanosUntilIdle() {
        if (timeout == null) {
            return NEVER;
        }
        if (inFlight.get() > 0) {
            return timeout.toNanos();
        }
        long idle = System.nanoTime() - lastActivity.get();
        return Math.max(0, timeout.toNanos() - idle);
    }

    /** {@return the timeout in force, {@code null} for never} */
    Duration timeout() {
        return timeout;
    }
}
