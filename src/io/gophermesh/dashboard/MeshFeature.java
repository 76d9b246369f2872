package io.gophermesh.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.engine.HealthzOptions;
import io.gophermesh.engine.MeshControl;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;

/**
 * The dashboard (UI, API, event stream, metrics and health) as a Helidon feature, so that another
 * application can serve it from its own web server under a context path:
 *
 * <pre>{@code
 * MeshFeature mesh = MeshFeature.builder(engine).contextPath("/mesh").allowHosts("ops.example.com").build();
 * WebServer.builder().port(8080).routing(r -> r.addFeature(mesh).get("/", (req, res) -> res.send("app")))
 *         .build().start();
 * }</pre>
 *
 * The security rules of {@link Dashboard} apply to the feature's paths and to nothing else of the
 * host application: its {@code Host} check, the origin and content-type rules for changes, and the
 * token. Without a token the API answers only on loopback connections.
 */
public final class MeshFeature implements HttpFeature {
    private final String contextPath;
    private final Access access;
    private final MeshRoutes routes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MeshFeature(Builder b) {
        this.contextPath = b.contextPath;
        this.access = new Access(b.token, Clock.systemUTC());
        HostRule hosts = new HostRule(b.hostNames, b.allowedHosts);
        Guard guard = new Guard(hosts, access);
        this.routes = new MeshRoutes(b.mesh, guard, new Login(access, contextPath), b.healthz, b.keepAlive, closed);
    }

    /**
     * Returns a builder for a feature showing {@code mesh}.
     *
     * @param mesh what the dashboard shows and steers
     * @return a builder with the defaults: mounted at {@code /}, loopback and the connection's own
     *         address as hosts, no token, default health payload, 15 s keep-alive
     */
    public static Builder builder(MeshControl mesh) {
        return new Builder(mesh);
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.register(contextPath, routes);
    }

    /** {@return where the dashboard is mounted: {@code /} or a path without trailing slash} */
    public String contextPath() {
        return contextPath;
    }

    /** {@return whether API calls need the token or a session} */
    public boolean tokenRequired() {
        return access.tokenMode();
    }

    /**
     * Issues a one-time login code. The returned path logs a browser in once, within 24 hours.
     *
     * @return {@code <contextPath>/login?token=CODE}, empty when no token is configured
     */
    public Optional<String> newLoginPath() {
        if (!access.tokenMode()) {
            return Optional.empty();
        }
        String base = contextPath.equals("/") ? "" : contextPath;
        return Optional.of(base + "/login?token=" + access.issueLoginCode());
    }

    /** Ends open event streams (within about half a second); the routes answer on. */
    public void close() {
        closed.set(true);
    }

    @Override
    public void afterStop() {
        close();
    }

    /** {@return event streams open now} */
    int openStreams() {
        return routes.openStreams();
    }

    /** Options of a {@link MeshFeature}. */
    public static final class Builder {
        private final MeshControl mesh;
        private String contextPath = "/";
        private final List<String> allowedHosts = new ArrayList<>();
        private final Set<String> hostNames = new HashSet<>();
        private String token;
        private HealthzOptions healthz = HealthzOptions.DEFAULT;
        private Duration keepAlive = Duration.ofSeconds(15);

        private Builder(MeshControl mesh) {
            this.mesh = Objects.requireNonNull(mesh, "mesh");
        }

        /**
         * Sets where the feature is mounted.
         *
         * @param path where to mount, e.g. {@code /mesh}; {@code /} or empty for the root
         * @return this builder
         */
        public Builder contextPath(String path) {
            String p = path == null ? "" : path.trim();
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty() && !p.startsWith("/")) {
                p = "/" + p;
            }
            this.contextPath = p.isEmpty() ? "/" : p;
            return this;
        }

        /**
         * Adds names the dashboard is reached by besides loopback and the connection's own address,
         * e.g. behind a reverse proxy.
         *
         * @param hosts {@code host} (any port) or {@code host:port}; IPv6 in brackets
         * @return this builder
         */
        public Builder allowHosts(String... hosts) {
            allowedHosts.addAll(List.of(hosts));
            return this;
        }

        /**
         * Sets the API token.
         *
         * @param token API token; {@code null} or blank for none (then the API answers only on
         *              loopback connections)
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.trim();
            return this;
        }

        /**
         * Sets the payload of {@code /healthz}.
         *
         * @param healthz payload of {@code /healthz}; {@code null} for the default
         * @return this builder
         */
        public Builder healthz(HealthzOptions healthz) {
            this.healthz = healthz == null ? HealthzOptions.DEFAULT : healthz;
            return this;
        }

        /**
         * Sets how long an idle event stream waits before a keep-alive comment.
         *
         * @param interval how long an idle event stream waits before sending a keep-alive comment
         * @return this builder
         */
        public Builder sseKeepAlive(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("keep-alive interval must be positive, got " + interval);
            }
            this.keepAlive = interval;
            return this;
        }

        /** Host names accepted with the connection's port, such as the configured bind host. */
        Builder hostName(String name) {
            if (name != null && !name.isBlank()) {
                hostNames.add(name);
            }
            return this;
        }

        /** {@return the feature} */
        public MeshFeature build() {
            return new MeshFeature(this);
        }
    }
}
