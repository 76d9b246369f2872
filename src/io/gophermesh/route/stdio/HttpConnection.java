package io.gophermesh.route.stdio;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import io.helidon.common.buffers.DataReader;

import io.gophermesh.config.RouteConfig;
import io.gophermesh.route.RouteMetrics;

/**
 * An HTTP/1.1 client connection of an http or cgi route: reads requests one after the other and
 * has each served by its own child, keeping the connection open between them when the client
 * wants it.
 */
final class HttpConnection {
    private static final System.Logger LOG = System.getLogger(HttpConnection.class.getName());

    private final StdioRoute route;
    private final Socket socket;
    private final byte[] prefix;
    private final RequestHandler handler;

    /**
     * @param route   the route
     * @param socket  client connection
     * @param prefix  bytes already read from it (auto mode)
     * @param handler serves each request
     */
    HttpConnection(StdioRoute route, Socket socket, byte[] prefix, RequestHandler handler) {
        this.route = route;
        this.socket = socket;
        this.prefix = prefix;
        this.handler = handler;
    }

    /**
     * Serves requests until the client closes, asks to close, or a response must end the connection.
     *
     * @throws IOException when the connection fails
     */
    void serve() throws IOException {
        RouteMetrics metrics = route.generation().context().metrics();
        ClientReader client = new ClientReader(socket, prefix, metrics);
        DataReader reader = DataReader.create(client);
        ResponseWriter writer = new ResponseWriter(socket.getOutputStream(), metrics);
        try {
            boolean first = true;
            while (!route.closing()) {
                Generation gen = route.generation();
                RouteConfig config = gen.context().config();
                client.deadline(first ? config.effectiveHeaderTimeout() : keepAliveTimeout(config));
                writer.reset();
                RequestHead head;
                try {
                    head = RequestHead.read(reader, config.effectiveMaxHeaderSize());
                } catch (HttpProblem p) {
                    LOG.log(System.Logger.Level.INFO, route.label() + ": " + p.status() + ": " + p.getMessage()
                            + " from " + socket.getRemoteSocketAddress());
                    metrics.begin();
                    metrics.end(0, true);
                    writer.error(p.status(), p.getMessage(), true, List.of());
                    return;
                }
                if (head == null) {
                    return;
                }
                client.deadline(null);
                if (!serveOne(gen, head, reader, client, writer)) {
                    return;
                }
                first = false;
            }
        } finally {
            client.close();
        }
    }

    private boolean serveOne(Generation gen, RequestHead head, DataReader reader, ClientReader client,
                             ResponseWriter writer) throws IOException {
        RouteConfig config = gen.context().config();
        RouteMetrics metrics = gen.context().metrics();
        RequestBody body = new RequestBody(reader, head, config.maxBodySize());
        HttpExchange exchange = new HttpExchange(route, gen, socket, head, body, client, writer);
        long start = System.nanoTime();
        metrics.begin();
        try {
            if (config.maxBodySize() != null && head.contentLength() > config.maxBodySize()) {
                return exchange.fail(413, "request body larger than " + config.maxBodySize() + " bytes");
            }
            boolean again = handler.handle(exchange);
            return again && head.keepAlive() && body.done() && !route.closing();
        } finally {
            client.onEnd(null);
            metrics.end(System.nanoTime() - start, exchange.failed());
        }
    }

    private static Duration keepAliveTimeout(RouteConfig config) {
        return config.idleTimeout() != null ? config.idleTimeout() : RouteConfig.DEFAULT_HTTP_IDLE_TIMEOUT;
    }
}
