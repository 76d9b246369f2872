package io.gophermesh.route.stdio;

import java.time.Duration;

/**
 * A child serving one exchange. Opening it counts the child on its backend and arms the request
 * timeout; closing it ends the child, counts it as served and frees its concurrency slot.
 */
final class Lease implements AutoCloseable {
    /** Time a child has to exit by itself once its exchange is over. */
    static final Duration GRACE = Duration.ofMillis(500);

    private final Supervisor owner;
    private final Child child;
    private final Thread watchdog;
    private volatile boolean timedOut;
    private boolean closed;

    /**
     * @param owner   the route's supervisor, which gets the slot back
     * @param child   the child, already holding a slot
     * @param timeout request timeout, {@code null} for none
     */
    Lease(Supervisor owner, Child child, Duration timeout) {
        this.owner = owner;
        this.child = child;
        child.backend().begin();
        this.watchdog = timeout == null || timeout.isZero() || timeout.isNegative()
                ? null
                : Thread.ofVirtual().name("stdio-timeout-" + child.pid()).start(() -> expire(timeout));
    }

    /** {@return the child} */
    Child child() {
        return child;
    }

    /** {@return whether the request timeout killed the child} */
    boolean timedOut() {
        return timedOut;
    }

    /**
     * Ends the exchange's child; only the first call does anything.
     *
     * @return the exit code of the child, -1 when unknown or already ended
     */
    int end() {
        synchronized (this) {
            if (closed) {
                return -1;
            }
            closed = true;
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        try {
            return child.finish(GRACE);
        } finally {
            child.backend().end();
            owner.retire(child);
        }
    }

    @Override
    public void close() {
        end();
    }

    private void expire(Duration timeout) {
        try {
            Thread.sleep(timeout);
        } catch (InterruptedException e) {
            return;
        }
        timedOut = true;
        child.kill("request_timeout " + timeout.toMillis() + " ms expired");
    }
}
