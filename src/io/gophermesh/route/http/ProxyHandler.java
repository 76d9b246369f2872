package io.gophermesh.route.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.gophermesh.process.ColdStartException;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Serves every request of an http route: origin check, internal health answer, then the backends
 * in balancer order until one answers. Each request uses the route generation in force when it
 * arrived.
 */
final class ProxyHandler implements Handler {
    /** Retry-After when no better hint is known. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());

    private final HttpRoute route;

    ProxyHandler(HttpRoute route) {
        this.route = route;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        RouteContext ctx = route.context();
        long started = System.nanoTime();
        ctx.metrics().begin();
        boolean failed = true;
        try {
            failed = serve(ctx, req, res) >= 500;
        } finally {
            ctx.metrics().end(System.nanoTime() - started, failed);
        }
        // contains() first: a token search builds a stream even when the header is absent
        ServerRequestHeaders h = req.headers();
        if (h.contains(HeaderNames.CONNECTION) && h.containsToken(HeaderValues.CONNECTION_CLOSE)
                && res.isSent() && req.content().consumed()) {
            // the web server answers "Connection: close" but would wait for the client's next request;
            // the client asked us to close after this answer, so do it (a client reading to the end of
            // the stream would otherwise wait for its own timeout)
            throw new CloseConnectionException(ctx.label() + ": client asked to close after the answer");
        }
    }

    private int serve(RouteContext ctx, ServerRequest req, ServerResponse res) {
        ServerRequestHeaders h = req.headers();
        boolean hasBody = h.contains(HeaderNames.TRANSFER_ENCODING) || h.contentLength().orElse(0) > 0;
        if (h.contains(HeaderNames.TRANSFER_ENCODING) && h.contains(HeaderNames.CONTENT_LENGTH)) {
            // the web server refuses this already; kept so no smuggled request can ever be forwarded
            return text(res, 400, "Bad request: both Content-Length and Transfer-Encoding", true);
        }
        String unforwardable = RequestHead.unforwardable(req.prologue(), h);
        if (unforwardable != null) {
            return text(res, 400, "Bad request: " + unforwardable, true);
        }
        String origin = h.first(HeaderNames.ORIGIN).orElse(null);
        boolean cors = false;
        if (origin != null) {
            String allowed = Cors.allowedOrigin(ctx.trustedOrigins(), origin);
            if (allowed == null) {
                return text(res, 403, "Forbidden origin", hasBody);
            }
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
            res.header(HeaderNames.VARY, "Origin");
            cors = true;
            if (isPreflight(req)) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, Cors.ALLOW_METHODS);
                h.first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)
                        .ifPresent(v -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, v));
                res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, Cors.MAX_AGE);
                if (hasBody) {
                    res.header(HeaderValues.CONNECTION_CLOSE);
                }
                res.status(Status.NO_CONTENT_204).send();
                return 204;
            }
        }
        if (ctx.config().isInternal()) {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            if (hasBody) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            res.status(Status.OK_200).send(ctx.healthJson());
            return 200;
        }
        return proxy(ctx, req, res, cors);
    }

    private int proxy(RouteContext ctx, ServerRequest req, ServerResponse res, boolean cors) {
        String clientIp = req.remotePeer().host();
        Exchange ex = new Exchange(ctx, req, res, clientIp, cors);
        StringBuilder notReady = new StringBuilder();
        ColdStartException coldStart = null;
        String broken = null;
        for (Backend backend : ctx.order(clientIp)) {
            if (backend.address() == null) {
                continue;
            }
            BackendPool pool = route.pool(backend);
            try {
                attempt(ctx, backend, pool, ex);
                return ex.status();
            } catch (BackendFailure f) {
                LOG.log(WARNING, backend.label() + ": " + f.getMessage());
                switch (f.kind()) {
                    case NOT_READY -> {
                        notReady.append(notReady.isEmpty() ? "" : "; ").append(f.getMessage());
                        if (f.coldStart() != null) {
                            coldStart = f.coldStart();
                        }
                    }
                    case TIMEOUT -> {
                        return text(res, 504, "Gateway timeout: " + backend.label() + " " + f.getMessage(),
                                ex.bodyPending());
                    }
                    case ABORTED -> throw new CloseConnectionException(backend.label() + " " + f.getMessage());
                    default -> {
                        if (!ex.replayable()) {
                            return text(res, 502, "Bad gateway: " + backend.label() + ": " + f.getMessage(),
                                    ex.bodyPending());
                        }
                        broken = backend.label() + ": " + f.getMessage();
                    }
                }
            } catch (ClientFailure e) {
                throw e.unwrap();
            }
        }
        if (broken != null) {
            return text(res, 502, "Bad gateway: " + broken, ex.bodyPending());
        }
        return coldStartFailed(ctx, res, notReady.isEmpty() ? "no backend reachable" : notReady.toString(),
                coldStart, ex.bodyPending());
    }

    /** One backend: a pooled or new connection, one retry on a fresh socket if the pooled one was stale. */
    private void attempt(RouteContext ctx, Backend backend, BackendPool pool, Exchange ex) throws BackendFailure {
        BackendConnection conn = pool.pooled();
        boolean reused = conn != null;
        if (!reused) {
            conn = connect(ctx, backend, pool);
        }
        backend.begin();
        try {
            try {
                // a connection made before the exchange (pooled, or the probe's) may have been closed meanwhile
                ex.run(pool, conn, reused || conn.handedOver());
            } catch (BackendFailure f) {
                if (f.kind() != BackendFailure.Kind.STALE || !ex.replayable()) {
                    throw f;
                }
                ex.run(pool, connect(ctx, backend, pool), false);
            }
        } finally {
            backend.end();
        }
    }

    /**
     * Connects to {@code backend}; when refused, asks a managed backend to start and tries once more.
     *
     * @throws BackendFailure of kind {@link BackendFailure.Kind#NOT_READY}
     */
    static BackendConnection connect(RouteContext ctx, Backend backend, BackendPool pool) throws BackendFailure {
        Duration timeout = ctx.config().effectiveConnectTimeout();
        try {
            return pool.connect(timeout);
        } catch (ConnectException refused) {
            if (backend.process() == null) {
                throw notReady(backend, pool, "connection refused");
            }
        } catch (SocketTimeoutException e) {
            throw notReady(backend, pool, "connect timed out after " + Durations.text(timeout));
        } catch (IOException e) {
            throw notReady(backend, pool, Exchange.describe(e));
        }
        SocketChannel probed;
        try {
            probed = backend.ensureReady();
        } catch (ColdStartException e) {
            throw new BackendFailure(BackendFailure.Kind.NOT_READY, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloseConnectionException(backend.label() + ": interrupted while starting");
        }
        try {
            return probed != null ? BackendConnection.adopt(probed) : pool.connect(timeout);
        } catch (ConnectException e) {
            throw notReady(backend, pool, "connection refused after start");
        } catch (SocketTimeoutException e) {
            throw notReady(backend, pool, "connect timed out after " + Durations.text(timeout));
        } catch (IOException e) {
            throw notReady(backend, pool, Exchange.describe(e));
        }
    }

    private static BackendFailure notReady(Backend backend, BackendPool pool, String why) {
        return new BackendFailure(BackendFailure.Kind.NOT_READY, backend.label() + " (" + pool.address() + "): " + why);
    }

    private static int coldStartFailed(RouteContext ctx, ServerResponse res, String reasons,
                                       ColdStartException coldStart, boolean close) {
        Duration retry = coldStart != null && coldStart.retryAfter() != null
                ? coldStart.retryAfter() : DEFAULT_RETRY_AFTER;
        res.header(HeaderNames.RETRY_AFTER, String.valueOf(Durations.ceilSeconds(retry)));
        StringBuilder body = new StringBuilder("Cold start failed: ").append(reasons);
        if (coldStart != null && !coldStart.lastLines().isEmpty()) {
            body.append("\n\nLast log lines:");
            for (String line : coldStart.lastLines()) {
                body.append('\n').append(line);
            }
        }
        return text(res, 503, body.toString(), close);
    }

    private static boolean isPreflight(ServerRequest req) {
        return Method.OPTIONS.equals(req.prologue().method())
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /**
     * Sends a short plain-text answer.
     *
     * @param close whether the client connection must close (its body was not read)
     * @return {@code code}
     */
    static int text(ServerResponse res, int code, String body, boolean close) {
        res.status(Status.create(code));
        res.header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN);
        if (close) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        res.send((body + "\n").getBytes(StandardCharsets.UTF_8));
        return code;
    }
}
