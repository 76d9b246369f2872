package io.gophermesh.route;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one public port: requests, errors, in-flight, bytes and a latency histogram with
 * power-of-two microsecond buckets (enough for p50/p99 on a dashboard, constant memory).
 */
public final class RouteMetrics {
    private static final int BUCKETS = 40;

    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);

    /** Creates counters at zero. */
    public RouteMetrics() {
    }

    /** Counts an exchange that starts now. */
    public void begin() {
        requests.increment();
        inFlight.increment();
    }

    /**
     * Counts the end of an exchange begun with {@link #begin()}.
     *
     * @param nanos  its duration
     * @param failed whether the client got an error
     */
    public void end(long nanos, boolean failed) {
        inFlight.decrement();
        if (failed) {
            errors.increment();
        }
        long micros = Math.max(1, nanos / 1000);
        int bucket = Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(micros));
        latency.incrementAndGet(bucket);
    }

    /**
     * Counts bytes received from clients.
     *
     * @param n bytes received from clients
     */
    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    /**
     * Counts bytes sent to clients.
     *
     * @param n bytes sent to clients
     */
    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    /**
     * Snapshot of the counters.
     *
     * @param requests exchanges started
     * @param errors   exchanges that ended in an error for the client
     * @param inFlight exchanges in progress
     * @param bytesIn  bytes from clients
     * @param bytesOut bytes to clients
     * @param p50Millis median latency (upper bound of its bucket)
     * @param p99Millis 99th percentile latency (upper bound of its bucket)
     */
    public record Snapshot(long requests, long errors, long inFlight, long bytesIn, long bytesOut,
                           double p50Millis, double p99Millis) {
    }

    /** {@return the counters now} */
    public Snapshot snapshot() {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = latency.get(i);
            total += counts[i];
        }
        return new Snapshot(requests.sum(), errors.sum(), inFlight.sum(), bytesIn.sum(), bytesOut.sum(),
                percentile(counts, total, 0.50), percentile(counts, total, 0.99));
    }

    private static double percentile(long[] counts, long total, double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (2L << i) / 1000.0;
            }
        }
        return (2L << (counts.length - 1)) / 1000.0;
    }
}
