package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.gophermesh.route.RouteMetrics;

/**
 * Reads an HTTP client on a thread of its own and hands the bytes to the parser. Reading ahead is
 * what lets an exchange notice that its client went away while the child is still working; the
 * queue is short, so a client that pipelines is held back by TCP flow control.
 *
 * <p>As a {@link Supplier} it is the data source of Helidon's {@code DataReader}: {@link #get()}
 * blocks for the next bytes, returns {@code null} at the end of the input and throws
 * {@link Timeout} when the deadline set with {@link #deadline} passes.
 */
final class ClientReader implements Supplier<byte[]> {
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUED = 4;

    /** The client sent nothing before the deadline. */
    static final class Timeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Timeout() {
            super("client sent nothing in time", null, false, false);
        }
    }

    private final InputStream in;
    private final RouteMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private final Thread thread;
    private boolean ended;
    private Runnable onEnd;
    private long deadline;

    /**
     * @param socket  client connection
     * @param prefix  bytes already read from it, delivered first
     * @param metrics counts the bytes received
     * @throws IOException when the socket cannot be read
     */
    ClientReader(Socket socket, byte[] prefix, RouteMetrics metrics) throws IOException {
        this.in = socket.getInputStream();
        this.metrics = metrics;
        if (prefix.length > 0) {
            metrics.addBytesIn(prefix.length);
            chunks.add(prefix);
        }
        this.thread = Thread.ofVirtual().name("stdio-client-" + socket.getPort()).start(this::run);
    }

    @Override
    public byte[] get() {
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (ended) {
                    return null;
                }
                if (deadline == 0) {
                    changed.awaitUninterruptibly();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new Timeout();
                    }
                    changed.awaitNanos(left);
                }
            }
            byte[] chunk = chunks.poll();
            changed.signalAll();
            return chunk;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param timeout longest wait of {@link #get()} from now on, {@code null} for none
     */
    void deadline(Duration timeout) {
        lock.lock();
        try {
            deadline = timeout == null ? 0 : Math.max(1, System.nanoTime() + timeout.toNanos());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the action run when the client's input ends (closed or reset), replacing the previous
     * one; it runs at once when the input has already ended.
     *
     * @param action what to do, {@code null} for nothing
     */
    void onEnd(Runnable action) {
        boolean now;
        lock.lock();
        try {
            onEnd = action;
            now = ended && action != null;
        } finally {
            lock.unlock();
        }
        if (now) {
            action.run();
        }
    }

    /** {@return whether the client's input has ended} */
    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading; the caller closes the socket. */
    void close() {
        thread.interrupt();
    }

    private void run() {
        byte[] buf = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                metrics.addBytesIn(n);
                byte[] chunk = Arrays.copyOf(buf, n);
                lock.lockInterruptibly();
                try {
                    while (chunks.size() >= QUEUED) {
                        changed.await();
                    }
                    chunks.add(chunk);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // reset, closed by us, or stopped: all mean no more input
        }
        Runnable action;
        lock.lock();
        try {
            ended = true;
            action = onEnd;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (action != null) {
            action.run();
        }
    }
}
