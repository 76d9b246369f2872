package io.gophermesh.route.tcp;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Client connections served at once on one port. The limit is passed on each acquire rather than
 * fixed, so a reload that changes {@code max_connections} applies to the next connection.
 */
final class Slots {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int used;

    /**
     * @param limit most slots in use at once
     * @param wait  longest wait for a slot to free up
     * @return true when a slot was taken; pair with {@link #release()}
     * @throws InterruptedException when interrupted while waiting (the route is closing)
     */
    boolean acquire(int limit, Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lockInterruptibly();
        try {
            while (used >= limit) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = freed.awaitNanos(nanos);
            }
            used++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot taken by {@link #acquire}. */
    void release() {
        lock.lock();
        try {
            used--;
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** {@return slots in use} */
    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }
}
