package io.gophermesh.route.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import io.gophermesh.route.RouteContext;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * One client request on its way through the proxy: the request head written once, the client body
 * streamed at most once, and the backend response relayed as it arrives. It remembers how far it
 * got, which decides whether another backend may still be tried.
 */
final class Exchange {
    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("idempotency-key", "Idempotency-Key");

    private final RouteContext ctx;
    private final ServerRequest req;
    private final ServerResponse res;
    private final boolean head;
    private final boolean idempotent;
    private final RequestBody requestBody;
    private final boolean corsApplied;
    private final String clientIp;

    private boolean written;
    private boolean awaitingHead;
    // the backend connection went back to its pool (or was closed) after its response was read
    private boolean recycled;
    private boolean committed;
    private int status;

    /**
     * @param ctx         route generation serving this request
     * @param req         the client request
     * @param res         the client response
     * @param clientIp    client address
     * @param corsApplied whether the mesh already set {@code Access-Control-Allow-Origin}
     */
    Exchange(RouteContext ctx, ServerRequest req, ServerResponse res, String clientIp, boolean corsApplied) {
        this.ctx = ctx;
        this.req = req;
        this.res = res;
        this.corsApplied = corsApplied;
        ServerRequestHeaders h = req.headers();
        Method method = req.prologue().method();
        this.head = Method.HEAD.equals(method);
        this.idempotent = isIdempotent(method.text()) || h.contains(IDEMPOTENCY_KEY);
        this.requestBody = new RequestBody(req, ctx.metrics());
        this.clientIp = clientIp;
    }

    /** {@return the status sent to the client, 0 before one was sent} */
    int status() {
        return status;
    }

    /** {@return the client body was not read to its end, so the client connection must close after the answer} */
    boolean bodyPending() {
        return !requestBody.done();
    }

    /**
     * @return whether another attempt may carry this request: nothing was sent to the client, the
     *         client body was not consumed, and the method is idempotent or nothing reached a backend
     */
    boolean replayable() {
        return !committed && requestBody.bytesRead() == 0 && (idempotent || !written);
    }

    /**
     * Carries the request over {@code conn} and relays the answer. Returns once the client has the
     * whole response; {@code conn} has then gone back to {@code pool} or been closed.
     *
     * @throws BackendFailure when the backend failed; {@code conn} is closed
     * @throws ClientFailure  when the client failed; {@code conn} is closed
     */
    void run(BackendPool pool, BackendConnection conn, boolean reused) throws BackendFailure {
        conn.startExchange();
        awaitingHead = false;
        recycled = false;
        try {
            written = true;
            // encoded straight into the connection's send buffer, again for each attempt
            RequestHead.write(conn.out(), req.prologue(), req.headers(), clientIp, requestBody.contentLength(),
                    requestBody.chunked(), requestBody.expectContinue(), false);
            ResponseHead early = requestBody.send(conn);
            ResponseHead answer = early != null ? early : finalHead(conn);
            relay(pool, conn, answer);
        } catch (ClientFailure e) {
            // once recycled the connection may already serve another exchange
            if (!recycled) {
                conn.close();
            }
            throw e;
        } catch (IOException e) {
            if (!recycled) {
                conn.close();
            }
            throw classify(e, conn, reused);
        }
    }

    private BackendFailure classify(IOException e, BackendConnection conn, boolean reused) {
        if (committed) {
            return new BackendFailure(BackendFailure.Kind.ABORTED, "broke the response: " + describe(e));
        }
        if (awaitingHead && e instanceof SocketTimeoutException) {
            return new BackendFailure(BackendFailure.Kind.TIMEOUT, "sent no response within "
                    + Durations.text(ctx.config().responseTimeout()));
        }
        if (reused && conn.received() == 0 && (e instanceof EOFException || isReset(e))) {
            return new BackendFailure(BackendFailure.Kind.STALE, "idle connection was closed: " + describe(e));
        }
        return new BackendFailure(BackendFailure.Kind.BROKEN, describe(e));
    }

    private ResponseHead finalHead(BackendConnection conn) throws IOException {
        awaitingHead = true;
        Duration timeout = ctx.config().responseTimeout();
        long deadline = 0;
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            conn.readTimeout(0);
        } else {
            deadline = System.nanoTime() + timeout.toNanos();
        }
        while (true) {
            ResponseHead h = conn.readHead(deadline);
            if (h.status == 101) {
                throw new ProtocolException("backend switched protocols without being asked to");
            }
            if (!h.interim()) {
                awaitingHead = false;
                return h;
            }
        }
    }

    private void relay(BackendPool pool, BackendConnection conn, ResponseHead answer) throws IOException {
        if (answer.unsupportedCoding()) {
            throw new ProtocolException("backend used a transfer coding other than chunked");
        }
        boolean bodyless = answer.bodyless(head);
        conn.beginBody(answer, bodyless);
        Duration idle = ctx.config().effectiveIdleTimeout();
        conn.readTimeout(idle == null ? 0 : (int) Math.min(Integer.MAX_VALUE, idle.toMillis()));
        byte[] buf = conn.copyBuffer();
        // the first body bytes are read before anything is sent, so a backend that fails at once still yields a 502
        int n = bodyless ? -1 : fill(conn, buf);

        status = answer.status;
        res.status(Status.create(answer.status, answer.reason));
        copyHeaders(answer);
        if (!requestBody.done()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (bodyless && head && answer.contentLength() >= 0 && answer.status != 204 && answer.status != 304) {
            res.header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, answer.contentLength()));
        } else if (!bodyless && !answer.chunked() && answer.contentLength() >= 0) {
            res.header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, answer.contentLength()));
        }
        if (n < 0) {
            recycle(pool, conn, answer);
            sendEmpty();
        } else if (conn.bodyComplete() && answer.status != 205) {
            // the whole body is in hand: one write of head and body, no response stream
            // (205 is left to the stream, which refuses a body for it)
            byte[] body = java.util.Arrays.copyOf(buf, n);
            recycle(pool, conn, answer);
            sendWhole(body);
        } else {
            stream(pool, conn, answer, buf, n);
        }
    }

    /**
     * Reads body bytes into {@code buf}: one read that may wait, then more for as long as the
     * backend has bytes ready, the buffer has room and the body has not ended. So a fast backend
     * fills the buffer and a trickling one is relayed piece by piece, never held back.
     *
     * @return bytes read, -1 at the end of the body
     */
    private static int fill(BackendConnection conn, byte[] buf) throws IOException {
        int n = conn.readBody(buf, 0, buf.length);
        while (n > 0 && n < buf.length && !conn.bodyComplete() && conn.available() > 0) {
            int more = conn.readBody(buf, n, buf.length - n);
            if (more < 0) {
                break;
            }
            n += more;
        }
        return n;
    }

    private void sendWhole(byte[] body) {
        committed = true;
        try {
            res.send(body);
        } catch (RuntimeException e) {
            throw new ClientFailure(e);
        }
        ctx.metrics().addBytesOut(body.length);
    }

    /**
     * Hands the backend connection back as soon as its response has been read whole, before the
     * client's response is completed: a client that sends its next request the moment it has the
     * answer then finds the connection in the pool instead of opening another one.
     */
    private void recycle(BackendPool pool, BackendConnection conn, ResponseHead answer) {
        recycled = true;
        if (answer.keepAlive() && conn.bodyComplete()) {
            pool.release(conn);
        } else {
            conn.close();
        }
    }

    private void sendEmpty() {
        committed = true;
        try {
            res.send();
        } catch (RuntimeException e) {
            throw new ClientFailure(e);
        }
    }

    private void stream(BackendPool pool, BackendConnection conn, ResponseHead answer, byte[] buf, int first)
            throws IOException {
        OutputStream out;
        try {
            out = res.outputStream();
        } catch (RuntimeException e) {
            throw new ClientFailure(e);
        }
        committed = true;
        int n = first;
        while (n >= 0) {
            if (conn.bodyComplete()) {
                // the last piece: free the connection first (buf is its buffer, hence the copy), so
                // a client that sends its next request on receipt finds it pooled
                byte[] last = java.util.Arrays.copyOf(buf, n);
                recycle(pool, conn, answer);
                try {
                    out.write(last);
                } catch (IOException | RuntimeException e) {
                    throw new ClientFailure(e);
                }
                ctx.metrics().addBytesOut(n);
                break;
            }
            try {
                out.write(buf, 0, n);
                // fill() returned, so the backend paused or the buffer is full: either way these bytes
                // go now (the response stream holds back only a first chunk, until this flush)
                out.flush();
            } catch (IOException | RuntimeException e) {
                throw new ClientFailure(e);
            }
            ctx.metrics().addBytesOut(n);
            n = fill(conn, buf);
        }
        if (!recycled) {
            recycle(pool, conn, answer);
        }
        try {
            out.close();
        } catch (RuntimeException e) {
            throw new ClientFailure(e);
        }
    }

    private void copyHeaders(ResponseHead answer) {
        List<String> names = answer.names;
        List<String> lowerNames = answer.lowerNames;
        for (int i = 0; i < names.size(); i++) {
            String lower = lowerNames.get(i);
            if (answer.hopByHop(lower) || lower.equals("content-length")
                    || corsApplied && lower.equals("access-control-allow-origin")) {
                continue;
            }
            res.headers().add(HeaderValues.create(HeaderNames.create(lower, names.get(i)), answer.values.get(i)));
        }
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    private static boolean isReset(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("reset") || m.contains("Broken pipe"));
    }

    static String describe(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "read timed out";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
