package io.gophermesh.dashboard;

import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.gophermesh.engine.MeshControl;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * {@code GET /api/events}: a Server-Sent Events stream so the UI needs no polling. Sends
 * {@code status} (the body of {@code /api/status}) and {@code metrics} (the body of
 * {@code /api/metrics}) once on connect and then whenever they change, checked every
 * {@link #POLL} on the server, and {@code log} ({@code {"ref":..,"line":..}}) for every new log
 * line; a comment line keeps idle connections open. Each stream runs on its connection's virtual
 * thread and ends when the client goes away (a write fails) or the dashboard closes.
 */
final class EventStream {
    static final Duration POLL = Duration.ofMillis(500);
    /** Streams served at once; more get 503 so that a buggy page cannot pin every thread. */
    static final int MAX_STREAMS = 64;

    private static final Logger LOG = System.getLogger(EventStream.class.getName());
    // Log lines waiting for a slow client; beyond this they are dropped and the client is told.
    private static final int QUEUE = 4096;

    private record Line(String ref, String text) {
    }

    private final MeshControl mesh;
    private final Duration keepAlive;
    private final AtomicBoolean closed;
    private final AtomicInteger open = new AtomicInteger();

    EventStream(MeshControl mesh, Duration keepAlive, AtomicBoolean closed) {
        this.mesh = mesh;
        this.keepAlive = keepAlive;
        this.closed = closed;
    }

    /** {@return streams open now} */
    int open() {
        return open.get();
    }

    void handle(ServerRequest req, ServerResponse res) throws Exception {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            Replies.error(res, 503, "too many event streams open (" + MAX_STREAMS + ")");
            return;
        }
        String only = req.query().first("ref").orElse(null);
        BlockingQueue<Line> lines = new ArrayBlockingQueue<>(QUEUE);
        AtomicLong dropped = new AtomicLong();
        try (AutoCloseable subscription = mesh.subscribeLogs((ref, text) -> {
            if ((only == null || only.equals(ref)) && !lines.offer(new Line(ref, text))) {
                dropped.incrementAndGet();
            }
        })) {
            // Subscribed before the first snapshot, so no line falls between history and stream.
            stream(res.sink(SseSink.TYPE), lines, dropped);
        } finally {
            open.decrementAndGet();
        }
    }

    private void stream(SseSink sink, BlockingQueue<Line> lines, AtomicLong dropped) throws InterruptedException {
        String lastStatus = null;
        String lastMetrics = null;
        long nextPoll = 0;
        long nextKeepAlive = System.nanoTime() + keepAlive.toNanos();
        List<Line> batch = new ArrayList<>();
        try {
            sink.emit(SseEvent.builder().comment("gophermesh events").reconnectDelay(Duration.ofSeconds(2)).build());
            while (!closed.get()) {
                long now = System.nanoTime();
                if (now - nextPoll >= 0) {
                    String status = Replies.text(Api.statusBody(mesh.status()));
                    if (!status.equals(lastStatus)) {
                        emit(sink, "status", status);
                        lastStatus = status;
                        nextKeepAlive = now + keepAlive.toNanos();
                    }
                    String metrics = Replies.text(metricsBody());
                    if (!metrics.equals(lastMetrics)) {
                        emit(sink, "metrics", metrics);
                        lastMetrics = metrics;
                        nextKeepAlive = now + keepAlive.toNanos();
                    }
                    nextPoll = now + POLL.toNanos();
                }
                long waitNanos = Math.max(0, Math.min(nextPoll, nextKeepAlive) - System.nanoTime());
                Line first = lines.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    lines.drainTo(batch, 255);
                    for (Line line : batch) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("ref", line.ref());
                        body.put("line", line.text());
                        emit(sink, "log", Replies.text(body));
                    }
                    batch.clear();
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        emit(sink, "dropped", "{\"lines\":" + lost + "}");
                    }
                    nextKeepAlive = System.nanoTime() + keepAlive.toNanos();
                } else if (System.nanoTime() - nextKeepAlive >= 0) {
                    sink.emit(SseEvent.builder().comment("keep-alive").build());
                    nextKeepAlive = System.nanoTime() + keepAlive.toNanos();
                }
            }
        } catch (UncheckedIOException | CloseConnectionException e) {
            LOG.log(Level.DEBUG, () -> "dashboard event stream ended: client went away (" + e.getMessage() + ")");
            return;
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "dashboard event stream close failed: " + e.getMessage());
        }
    }

    private Map<String, Object> metricsBody() {
        Map<String, Object> data = new LinkedHashMap<>();
        mesh.metrics().forEach((port, m) -> data.put(port, Api.metricsJson(m)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 200);
        body.put("data", data);
        return body;
    }

    private static void emit(SseSink sink, String name, String json) {
        sink.emit(SseEvent.builder().name(name).data(json).build());
    }
}
