package io.gophermesh.route.http;

import java.io.IOException;
import java.time.Duration;

import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;

/** Listener of one http route. */
public final class HttpRoute implements Route {
    private volatile RouteContext context;

    /**
     * @param context first generation of the route
     */
    public HttpRoute(RouteContext context) {
        this.context = context;
    }

    @Override
    public int port() {
        return context.port();
    }

    @Override
    public void start() throws IOException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void update(RouteContext context) {
        this.context = context;
    }

    @Override
    public RouteContext context() {
        return context;
    }

    @Override
    public void close(Duration drain) {
        throw new UnsupportedOperationException("todo");
    }
}
