package io.gophermesh.route;

import java.io.IOException;
import java.time.Duration;

/**
 * A listener on one public port. The engine creates one per route, {@link #start() binds} it, hands
 * it new {@link RouteContext}s on reload, and {@link #close closes} it when the port is removed.
 */
public interface Route {

    /** {@return the public port} */
    int port();

    /**
     * Binds the port on 127.0.0.1 and starts serving.
     *
     * @throws IOException when the port cannot be bound; the message names the port
     */
    void start() throws IOException;

    /**
     * Serves new exchanges with {@code context} from now on, without closing the listener.
     * Exchanges in progress finish with the context they started with.
     *
     * @param context new generation; same port and protocol
     */
    void update(RouteContext context);

    /** {@return the context in force} */
    RouteContext context();

    /**
     * Stops accepting, lets exchanges in progress finish for up to {@code drain}, then closes the rest.
     *
     * @param drain longest wait for exchanges in progress
     */
    void close(Duration drain);
}
