package io.gophermesh.route.stdio;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Children alive at once on one route, warm ones included. A connection that finds the route full
 * waits in a short queue that holds at most {@code limit} waiters; the warm pool takes only a slot
 * that no connection is waiting for. The limit is passed on each call, so a reload that changes
 * {@code max_concurrency} applies to the next child.
 */
final class Limiter {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int used;
    private int waiting;

    /**
     * @param limit most children at once
     * @param wait  longest wait in the queue
     * @return true when a slot was taken; pair with {@link #release()}
     * @throws InterruptedException when interrupted while waiting
     */
    boolean acquire(int limit, Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lockInterruptibly();
        try {
            if (used < limit && waiting == 0) {
                used++;
                return true;
            }
            if (waiting >= Math.max(1, limit)) {
                return false;
            }
            waiting++;
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
                waiting--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a slot is free and no connection waits for one, then takes it.
     *
     * @param limit most children at once
     * @throws InterruptedException when interrupted (the pool is closing)
     */
    void acquireIdle(int limit) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (used >= limit || waiting > 0) {
                freed.await();
            }
            used++;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot. */
    void release() {
        lock.lock();
        try {
            used--;
            // waiters of both kinds share the condition: wake all so a connection is not passed over
            freed.signalAll();
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
