package io.gophermesh.route;

import java.util.List;

import io.gophermesh.balance.Balancer;
import io.gophermesh.config.RouteConfig;

/**
 * Everything a route listener needs to serve one generation of its config. A reload that changes a
 * route on the same port hands its listener a new context; exchanges in progress keep the old one.
 *
 * @param port           public port
 * @param config         the route's config
 * @param backends       runtime backends, index = position in {@code config.backends()}
 * @param balancer       order in which to try backends
 * @param trustedOrigins CORS allow list (http routes)
 * @param healthJson     body of the internal health answer (internal routes)
 * @param metrics        the route's counters (kept across reloads of the same port)
 */
public record RouteContext(int port,
                           RouteConfig config,
                           List<Backend> backends,
                           Balancer balancer,
                           List<String> trustedOrigins,
                           byte[] healthJson,
                           RouteMetrics metrics) {

    /** {@return how log lines and errors name this route, e.g. {@code route 18081}} */
    public String label() {
        return "route " + port;
    }

    /**
     * Returns the backends in the order to try them for a client.
     *
     * @param clientIp client address text
     * @return backends in the order to try them
     */
    public Backend[] order(String clientIp) {
        int[] idx = balancer.order(backends.size(), clientIp, i -> backends.get(i).inFlight());
        Backend[] out = new Backend[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = backends.get(idx[i]);
        }
        return out;
    }
}
