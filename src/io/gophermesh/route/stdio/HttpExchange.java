package io.gophermesh.route.stdio;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * One request on an HTTP connection, with what its handler needs: the head and body, the client,
 * the response writer and the route generation in force when the request arrived.
 */
final class HttpExchange {
    private static final System.Logger LOG = System.getLogger(HttpExchange.class.getName());

    private final StdioRoute route;
    private final Generation gen;
    private final Socket socket;
    private final RequestHead head;
    private final RequestBody body;
    private final ClientReader client;
    private final ResponseWriter writer;
    private boolean failed;

    HttpExchange(StdioRoute route, Generation gen, Socket socket, RequestHead head, RequestBody body,
                 ClientReader client, ResponseWriter writer) {
        this.route = route;
        this.gen = gen;
        this.socket = socket;
        this.head = head;
        this.body = body;
        this.client = client;
        this.writer = writer;
    }

    RequestHead head() {
        return head;
    }

    RequestBody body() {
        return body;
    }

    Socket socket() {
        return socket;
    }

    ResponseWriter writer() {
        return writer;
    }

    /** {@return e.g. {@code route 18081 GET /x}} */
    String label() {
        return route.label() + " " + head.method() + " " + head.rawPath();
    }

    /** {@return whether the response may leave the connection open} */
    boolean keepAlive() {
        return head.keepAlive() && !route.closing();
    }

    /** {@return whether the client got an error} */
    boolean failed() {
        return failed;
    }

    /** Records that the client got an error or a cut-off response. */
    void markFailed() {
        failed = true;
    }

    /**
     * Takes a child for this request.
     *
     * @param env variables of a new child
     * @return its lease
     * @throws NoChildException when the route is full or nothing could start
     */
    Lease lease(Map<String, String> env) throws NoChildException {
        return route.children().lease(gen, StdioRoute.clientIp(socket), env);
    }

    /**
     * Kills {@code child} when the client goes away while it works, until the next request.
     *
     * @param child the request's child
     */
    void killOnDisconnect(Child child) {
        client.onEnd(() -> child.kill(Child.CLIENT_GONE));
    }

    /**
     * Answers 503 because no child could be had; a full route adds {@code Retry-After}.
     *
     * @param e why
     * @return false: the connection closes
     * @throws IOException when the client is gone
     */
    boolean refuse(NoChildException e) throws IOException {
        LOG.log(System.Logger.Level.WARNING, label() + ": 503: " + e.getMessage());
        failed = true;
        writer.error(503, e.busy() ? "stdio route busy, retry later" : "stdio backend could not be started", true,
                e.busy() ? List.<String[]>of(new String[] {"Retry-After", "1"}) : List.of());
        return false;
    }

    /**
     * Answers with an error status, unless a response was already started.
     *
     * @param status  status code
     * @param message text for the client
     * @return false: the connection closes
     * @throws IOException when the client is gone
     */
    boolean fail(int status, String message) throws IOException {
        failed = true;
        if (!writer.committed()) {
            writer.error(status, message, true, List.of());
        }
        return false;
    }
}
