package io.gophermesh.route.stdio;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.gophermesh.route.RouteContext;

/**
 * Children started ahead of their connection and blocked on stdin, so a stream connection is served
 * without waiting for a process start. Each serves one connection; a filler thread starts another
 * behind it once that connection's child has exited, so that a process start does not compete for
 * the CPU with the exchange it replaces; when the last waiting child is taken, the filler starts at
 * once. Warm children hold concurrency slots, but the filler takes a slot only when no connection
 * is waiting for one.
 */
final class WarmPool {
    private static final System.Logger LOG = System.getLogger(WarmPool.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final RouteContext context;
    private final int size;
    private final Supervisor supervisor;
    private final Map<String, String> env;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Child> idle = new ArrayDeque<>();
    /** Children taken while others still waited: each is replaced when it exits. */
    private final Set<Child> lent = new HashSet<>();
    private Thread filler;
    private boolean closed;
    private boolean spawning;
    /** A warm child died before serving: the next start waits, so a crashing command does not spin. */
    private boolean diedIdle;

    /**
     * @param context    generation the children belong to
     * @param size       children kept waiting
     * @param supervisor the route's supervisor
     * @param env        variables of every child
     */
    WarmPool(RouteContext context, int size, Supervisor supervisor, Map<String, String> env) {
        this.context = context;
        this.size = size;
        this.supervisor = supervisor;
        this.env = env;
    }

    /** Starts filling the pool. */
    void start() {
        filler = Thread.ofVirtual().name("stdio-prewarm-" + context.port()).start(this::fill);
    }

    /**
     * Takes a waiting child, which keeps its concurrency slot; the filler starts another.
     *
     * @return a running child, {@code null} when none is waiting
     */
    Child poll() {
        while (true) {
            Child child;
            boolean later;
            lock.lock();
            try {
                child = idle.poll();
                later = child != null && !idle.isEmpty();
                if (later) {
                    lent.add(child);
                } else {
                    // the pool ran dry: refill all of it now
                    lent.clear();
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            if (later) {
                child.onExit(() -> replace(child));
            }
            if (child == null || child.alive()) {
                return child;
            }
            // died while waiting (crashed at start, or killed): its exit hook may not have run yet
            child.finish(Duration.ZERO);
            supervisor.retire(child);
        }
    }

    /** {@return children waiting now} */
    int idle() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the filler and kills the waiting children. */
    void close() {
        Deque<Child> left;
        boolean interrupt;
        lock.lock();
        try {
            closed = true;
            interrupt = !spawning;
            left = new ArrayDeque<>(idle);
            idle.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // a filler that is starting a child finds the pool closed when it offers the child
        if (filler != null && interrupt) {
            filler.interrupt();
        }
        for (Child child : left) {
            child.kill("warm pool retired");
            child.finish(Duration.ZERO);
            supervisor.retire(child);
        }
    }

    private void fill() {
        Duration backoff = FIRST_BACKOFF;
        boolean penalty;
        try {
            while (true) {
                lock.lockInterruptibly();
                try {
                    while (!closed && idle.size() + lent.size() >= size) {
                        changed.await();
                    }
                    if (closed) {
                        return;
                    }
                    penalty = diedIdle;
                    diedIdle = false;
                } finally {
                    lock.unlock();
                }
                if (penalty) {
                    Thread.sleep(backoff);
                    backoff = longer(backoff);
                }
                supervisor.limiter().acquireIdle(context.config().effectiveMaxConcurrency());
                if (!beginSpawn()) {
                    supervisor.limiter().release();
                    return;
                }
                Child child;
                try {
                    child = supervisor.spawn(context, "", env, " (warm)");
                } catch (NoChildException e) {
                    endSpawn();
                    supervisor.limiter().release();
                    LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; warm pool retries in "
                            + backoff.toMillis() + " ms");
                    Thread.sleep(backoff);
                    backoff = longer(backoff);
                    continue;
                }
                if (!penalty) {
                    backoff = FIRST_BACKOFF;
                }
                if (!offer(child)) {
                    child.kill("warm pool retired");
                    child.finish(Duration.ZERO);
                    supervisor.retire(child);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private static Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /**
     * Marks a start in progress, unless the pool is closing. A start must not be interrupted: the
     * process could come up after its starter gave up on it, and nobody would own it.
     */
    private boolean beginSpawn() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            spawning = true;
            Thread.interrupted();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void endSpawn() {
        lock.lock();
        try {
            spawning = false;
        } finally {
            lock.unlock();
        }
    }

    private boolean offer(Child child) {
        lock.lock();
        try {
            spawning = false;
            if (closed) {
                return false;
            }
            idle.add(child);
        } finally {
            lock.unlock();
        }
        child.onExit(() -> dropDead(child));
        return true;
    }

    /** Lets the filler start the replacement of a lent child that has exited. */
    private void replace(Child child) {
        lock.lock();
        try {
            if (lent.remove(child)) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropDead(Child child) {
        boolean removed;
        lock.lock();
        try {
            removed = idle.remove(child);
            if (removed) {
                diedIdle = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            // run off the JDK's exit thread: finishing joins the stderr pump
            Thread.ofVirtual().start(() -> {
                child.finish(Duration.ZERO);
                supervisor.retire(child);
            });
        }
    }
}
