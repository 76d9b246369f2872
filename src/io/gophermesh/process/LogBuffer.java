package io.gophermesh.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A bounded, thread-safe ring of log lines. The oldest line is dropped when full. Listeners see
 * each line as it is appended (the dashboard's live tail and the console's {@code logs -f}).
 */
public final class LogBuffer {
    /** Lines kept per backend unless told otherwise. */
    public static final int DEFAULT_LINES = 1000;

    private final String[] ring;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private int next;
    private int size;

    /** A buffer of {@link #DEFAULT_LINES}. */
    public LogBuffer() {
        this(DEFAULT_LINES);
    }

    /**
     * Creates a buffer of {@code maxLines} lines.
     *
     * @param maxLines lines kept, at least 1
     */
    public LogBuffer(int maxLines) {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be at least 1, got " + maxLines);
        }
        this.ring = new String[maxLines];
    }

    /**
     * Stores one line and hands it to the listeners.
     *
     * @param line a line without its terminator
     */
    public void append(String line) {
        synchronized (ring) {
            ring[next] = line;
            next = (next + 1) % ring.length;
            if (size < ring.length) {
                size++;
            }
        }
        for (Consumer<String> listener : listeners) {
            listener.accept(line);
        }
    }

    /** {@return a snapshot, oldest first} */
    public List<String> lines() {
        return tail(Integer.MAX_VALUE);
    }

    /**
     * Returns the newest lines.
     *
     * @param count most lines wanted; zero or less gives none
     * @return the newest {@code count} lines, oldest first
     */
    public List<String> tail(int count) {
        synchronized (ring) {
            int n = Math.clamp(count, 0, size);
            List<String> out = new ArrayList<>(n);
            int start = (next - n + ring.length) % ring.length;
            for (int i = 0; i < n; i++) {
                out.add(ring[(start + i) % ring.length]);
            }
            return out;
        }
    }

    /**
     * Subscribes to new lines.
     *
     * @param listener called on the appending thread for every new line; must not block
     * @return closing it removes the listener
     */
    public AutoCloseable subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
