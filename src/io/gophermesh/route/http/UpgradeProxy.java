package io.gophermesh.route.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Proxies a protocol switch ({@code Upgrade: websocket}): the request goes to a backend on a fresh
 * socket; if the backend answers {@code 101}, its answer goes to the client verbatim and the
 * connection becomes a {@link Tunnel}. Any other answer is relayed and the client connection closes.
 * Requests the route must answer itself (internal routes, untrusted origins) are left to the
 * normal handler by returning {@code null}.
 */
final class UpgradeProxy implements Http1Upgrader {
    /** Spellings of the WebSocket token the web server matches exactly. */
    static final List<String> TOKENS = List.of("websocket", "WebSocket", "Websocket", "WEBSOCKET");

    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());

    private final String protocol;
    private final HttpRoute route;

    UpgradeProxy(String protocol, HttpRoute route) {
        this.protocol = protocol;
        this.route = route;
    }

    @Override
    public String supportedProtocol() {
        return protocol;
    }

    @Override
    public ServerConnection upgrade(ConnectionContext client, HttpPrologue prologue, WritableHeaders<?> headers) {
        RouteContext ctx = route.context();
        // a head that cannot be forwarded unchanged is answered 400 by the ordinary handler
        if (ctx.config().isInternal() || !HopByHop.hasToken(headers.values(HeaderNames.CONNECTION), "upgrade")
                || RequestHead.unforwardable(prologue, headers) != null) {
            return null;
        }
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        if (origin != null && Cors.allowedOrigin(ctx.trustedOrigins(), origin) == null) {
            return null;
        }
        String clientIp = client.remotePeer().host();
        OutBuffer headBuf = new OutBuffer(null);
        RequestHead.write(headBuf, prologue, ServerRequestHeaders.create(headers), clientIp, -1, false, false, true);
        byte[] head = headBuf.toArray();
        long started = System.nanoTime();
        ctx.metrics().begin();
        StringBuilder notReady = new StringBuilder();
        String broken = null;
        for (Backend backend : ctx.order(clientIp)) {
            if (backend.address() == null) {
                continue;
            }
            BackendConnection conn;
            try {
                conn = ProxyHandler.connect(ctx, backend, route.pool(backend));
            } catch (BackendFailure f) {
                LOG.log(WARNING, backend.label() + ": " + f.getMessage());
                notReady.append(notReady.isEmpty() ? "" : "; ").append(f.getMessage());
                continue;
            }
            backend.begin();
            boolean tunneled = false;
            try {
                conn.startExchange();
                conn.send(head, 0, head.length);
                ResponseHead answer = awaitAnswer(ctx, conn);
                if (answer.status == 101) {
                    client.dataWriter().writeNow(BufferData.create(switching(answer)));
                    Tunnel tunnel = new Tunnel(route, ctx, client, conn, backend, started);
                    if (client instanceof ClientContext cc) {
                        cc.connection().tunnel(tunnel);
                    }
                    tunneled = true;
                    return tunnel;
                }
                relayRefusal(client, conn, answer, prologue);
                ctx.metrics().end(System.nanoTime() - started, answer.status >= 500);
                return Finished.INSTANCE;
            } catch (IOException e) {
                LOG.log(WARNING, backend.label() + ": upgrade failed: " + Exchange.describe(e));
                broken = backend.label() + ": " + Exchange.describe(e);
            } catch (RuntimeException e) {
                // the client went away while its answer was being written
                ctx.metrics().end(System.nanoTime() - started, true);
                return Finished.INSTANCE;
            } finally {
                if (!tunneled) {
                    conn.close();
                    backend.end();
                }
            }
        }
        String body = broken != null ? "Bad gateway: " + broken
                : "Cold start failed: " + (notReady.isEmpty() ? "no backend reachable" : notReady);
        int code = broken != null ? 502 : 503;
        writeQuietly(client, plain(code, body));
        ctx.metrics().end(System.nanoTime() - started, true);
        return Finished.INSTANCE;
    }

    private static ResponseHead awaitAnswer(RouteContext ctx, BackendConnection conn) throws IOException {
        Duration timeout = ctx.config().responseTimeout();
        long deadline = timeout == null || timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
        if (deadline == 0) {
            conn.readTimeout(0);
        }
        while (true) {
            ResponseHead h = conn.readHead(deadline);
            if (h.status == 101 || !h.interim()) {
                return h;
            }
        }
    }

    /** The backend's 101, header for header: the handshake headers are the backend's to set. */
    private static byte[] switching(ResponseHead answer) {
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 101 ")
                .append(answer.reason.isEmpty() ? "Switching Protocols" : answer.reason).append("\r\n");
        for (int i = 0; i < answer.names.size(); i++) {
            sb.append(answer.names.get(i)).append(": ").append(answer.values.get(i)).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The backend declined to switch: pass its answer on, then close the client connection. */
    private static void relayRefusal(ConnectionContext client, BackendConnection conn, ResponseHead answer,
                                     HttpPrologue prologue) {
        boolean bodyless = answer.bodyless(prologue.method().text().equals("HEAD"));
        conn.beginBody(answer, bodyless);
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(answer.status).append(' ')
                .append(answer.reason).append("\r\n");
        for (int i = 0; i < answer.names.size(); i++) {
            String lower = answer.names.get(i).toLowerCase(Locale.ROOT);
            if (!answer.hopByHop(lower) && !lower.equals("content-length")) {
                sb.append(answer.names.get(i)).append(": ").append(answer.values.get(i)).append("\r\n");
            }
        }
        if (!answer.chunked() && answer.contentLength() >= 0) {
            sb.append("Content-Length: ").append(answer.contentLength()).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        client.dataWriter().writeNow(BufferData.create(sb.toString().getBytes(StandardCharsets.ISO_8859_1)));
        byte[] buf = conn.copyBuffer();
        try {
            int n;
            while ((n = conn.readBody(buf)) >= 0) {
                client.dataWriter().writeNow(BufferData.create(buf, 0, n));
            }
        } catch (IOException e) {
            // the head is out; a cut body is all the client can be told, by the closing connection
            LOG.log(WARNING, "upgrade refusal body broke off: " + Exchange.describe(e));
        }
    }

    private static byte[] plain(int code, String body) {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        String reason = code == 502 ? "Bad Gateway" : "Service Unavailable";
        String head = "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Length: " + b.length + "\r\n"
                + (code == 503 ? "Retry-After: " + Durations.ceilSeconds(ProxyHandler.DEFAULT_RETRY_AFTER) + "\r\n" : "")
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    private static void writeQuietly(ConnectionContext client, byte[] bytes) {
        try {
            client.dataWriter().writeNow(BufferData.create(bytes));
        } catch (RuntimeException ignored) {
            // the client went away
        }
    }

    /** A connection whose answer was already written: the web server closes it at once. */
    private static final class Finished implements ServerConnection {
        static final Finished INSTANCE = new Finished();

        @Override
        public void handle(Limit limit) {
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
        }
    }
}
