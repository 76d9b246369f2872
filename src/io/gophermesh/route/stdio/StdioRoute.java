package io.gophermesh.route.stdio;

import java.io.IOException;
import java.time.Duration;

import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;

/** Listener of one stdio route. */
public final class StdioRoute implements Route {
    private volatile RouteContext context;

    /**
     * @param context first generation of the route
     */
    public StdioRoute(RouteContext context) {
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
