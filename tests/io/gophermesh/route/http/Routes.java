package io.gophermesh.route.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.balance.Balancer;
import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.LoadBalance;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;
import io.gophermesh.engine.Healthz;
import io.gophermesh.engine.HealthzOptions;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Ports;

/** Builds route contexts the way the engine does, with pure-proxy backends (no managed process). */
final class Routes {
    private Routes() {
    }

    /** A route config under construction; fields left null take their defaults. */
    static final class Spec {
        final List<BackendConfig> backends = new ArrayList<>();
        LoadBalance balance = LoadBalance.ROUND_ROBIN;
        Long maxHeaderSize;
        Long maxBodySize;
        Duration idleTimeout;
        Duration headerTimeout;
        Duration connectTimeout;
        Duration responseTimeout;
        List<String> origins = List.of();

        Spec backend(String name, int port) {
            backends.add(new BackendConfig(name, "", List.of(), "127.0.0.1", String.valueOf(port), null, null, null));
            return this;
        }

        Spec internal() {
            backends.add(new BackendConfig("health", BackendConfig.INTERNAL, List.of(), "", "", null, null, null));
            return this;
        }

        RouteConfig config() {
            return new RouteConfig("test", Protocol.HTTP, null, balance, List.copyOf(backends), null, null, null, null,
                    maxHeaderSize, maxBodySize, idleTimeout, headerTimeout, connectTimeout, responseTimeout);
        }

        RouteContext context(int port) {
            return context(port, new RouteMetrics());
        }

        RouteContext context(int port, RouteMetrics metrics) {
            RouteConfig cfg = config();
            List<Backend> list = new ArrayList<>();
            for (int i = 0; i < cfg.backends().size(); i++) {
                BackendConfig b = cfg.backends().get(i);
                list.add(new Backend(port + ":" + i, "route " + port + " backend " + b.name(), b, new LogBuffer(), null));
            }
            return new RouteContext(port, cfg, List.copyOf(list), Balancer.of(balance), origins,
                    Healthz.json(HealthzOptions.DEFAULT), metrics);
        }

        /** Starts a route on a free port. */
        HttpRoute start() throws IOException {
            HttpRoute route = new HttpRoute(context(Ports.free()));
            route.start();
            return route;
        }
    }

    static Spec spec() {
        return new Spec();
    }

    /** A port where nothing listens. */
    static int deadPort() {
        return Ports.free();
    }
}
