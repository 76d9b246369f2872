package io.gophermesh.route.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.gophermesh.route.RouteMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;

/**
 * The client's request body on its way to a backend: how the client's head frames it and how much
 * of it has been read. The client sends it once, so what was read decides whether a failed attempt
 * may be repeated on another backend, and whether the client connection must close after the answer.
 */
final class RequestBody {
    /** How long to wait for a backend's {@code 100 Continue} before sending the body anyway. */
    static final Duration CONTINUE_WAIT = Duration.ofSeconds(1);

    private final ServerRequest req;
    private final RouteMetrics metrics;
    private final boolean present;
    private final boolean chunked;
    private final boolean expectContinue;
    private final long contentLength;

    private long bytesRead;
    private boolean done;

    /**
     * @param req     the client request
     * @param metrics where the body's bytes are counted
     */
    RequestBody(ServerRequest req, RouteMetrics metrics) {
        this.req = req;
        this.metrics = metrics;
        ServerRequestHeaders h = req.headers();
        this.chunked = h.contains(HeaderNames.TRANSFER_ENCODING);
        long length = h.contentLength().orElse(-1);
        this.present = chunked || length > 0;
        this.done = !present;
        this.expectContinue = present && HopByHop.hasToken(h.values(HeaderNames.EXPECT), "100-continue");
        this.contentLength = length;
    }

    /** {@return the client's Content-Length, -1 when it sent none} */
    long contentLength() {
        return contentLength;
    }

    /** {@return whether the client sends the body chunked} */
    boolean chunked() {
        return chunked;
    }

    /** {@return whether the client asked for {@code 100 Continue} before sending the body} */
    boolean expectContinue() {
        return expectContinue;
    }

    /** {@return body bytes read from the client so far, over all attempts} */
    long bytesRead() {
        return bytesRead;
    }

    /** {@return whether the body was read to its end (at once when there is none)} */
    boolean done() {
        return done;
    }

    /**
     * Sends the body after the request head that waits in {@code conn}'s send buffer, or the head
     * alone when there is no body.
     *
     * @return the backend's final response head when it answered before taking the whole body,
     *         {@code null} when it is yet to answer
     * @throws ClientFailure when the client failed
     */
    ResponseHead send(BackendConnection conn) throws IOException {
        if (!present) {
            conn.flush();
            return null;
        }
        ResponseHead early = null;
        if (expectContinue) {
            conn.flush();
            early = awaitContinue(conn);
        }
        return early != null ? early : stream(conn);
    }

    private ResponseHead awaitContinue(BackendConnection conn) throws IOException {
        long deadline = System.nanoTime() + CONTINUE_WAIT.toNanos();
        try {
            while (true) {
                ResponseHead h = conn.readHead(deadline);
                if (h.status == 100) {
                    return null;
                }
                if (!h.interim()) {
                    return h;
                }
            }
        } catch (SocketTimeoutException e) {
            if (conn.received() == 0) {
                return null;
            }
            throw e;
        }
    }

    /** Streams the client body; returns a response head if the backend answered early and stopped reading. */
    private ResponseHead stream(BackendConnection conn) throws IOException {
        InputStream body = clientBody();
        byte[] buf = conn.copyBuffer();
        while (true) {
            int n;
            try {
                n = body.read(buf);
            } catch (IOException | RuntimeException e) {
                throw new ClientFailure(e);
            }
            if (n < 0) {
                break;
            }
            if (n == 0) {
                continue;
            }
            bytesRead += n;
            metrics.addBytesIn(n);
            try {
                // each piece goes on as it came: a streamed body's backend may be waiting for it
                if (chunked) {
                    conn.sendChunk(buf, 0, n);
                } else {
                    conn.send(buf, 0, n);
                }
            } catch (IOException e) {
                ResponseHead early = earlyAnswer(conn);
                if (early != null) {
                    return early;
                }
                throw e;
            }
        }
        done = true;
        try {
            if (chunked) {
                conn.out().ascii('0').crlf().crlf();
            }
            conn.flush();
        } catch (IOException e) {
            ResponseHead early = earlyAnswer(conn);
            if (early != null) {
                return early;
            }
            throw e;
        }
        return null;
    }

    private InputStream clientBody() {
        try {
            return req.content().inputStream();
        } catch (RuntimeException e) {
            throw new ClientFailure(e);
        }
    }

    /** A backend that refuses a body often answers before closing; that answer beats a 502. */
    private ResponseHead earlyAnswer(BackendConnection conn) {
        try {
            ResponseHead h = conn.readHead(System.nanoTime() + CONTINUE_WAIT.toNanos());
            return h.interim() ? null : h;
        } catch (IOException e) {
            return null;
        }
    }
}
