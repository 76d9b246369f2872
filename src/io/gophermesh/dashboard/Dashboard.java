package io.gophermesh.dashboard;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.gophermesh.config.Config;
import io.gophermesh.engine.HealthzOptions;
import io.gophermesh.engine.MeshControl;
import io.helidon.webserver.WebServer;

/**
 * The dashboard server: the UI from {@code dashboard-static/} and the admin API on its own port,
 * served by a {@link MeshFeature} mounted at the root.
 *
 * <pre>{@code
 * Dashboard d = Dashboard.builder().mesh(engine).host("127.0.0.1").port(9999)
 *         .token(config.dashboardToken()).configPath(config.configPath()).build().start();
 * }</pre>
 *
 * <p>On a loopback host no token is needed unless one is configured. On any other host every API
 * call needs the configured token or, when none is configured, one generated at start and written
 * owner-only to {@code <config>.token}; the log names the file and a one-time login link.
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Dashboard.class.getName());

    private final MeshControl mesh;
    private final String host;
    private final int requestedPort;
    private final String configuredToken;
    private final Path tokenFile;
    private final HealthzOptions healthz;
    private final Duration keepAlive;
    private final List<String> allowedHosts;

    private WebServer server;
    private MeshFeature feature;
    private String loginUrl;
    private Path writtenTokenFile;

    private Dashboard(Builder b) {
        this.mesh = Objects.requireNonNull(b.mesh, "dashboard needs a mesh");
        this.host = b.host;
        this.requestedPort = b.port;
        this.configuredToken = b.token;
        this.tokenFile = b.tokenFile;
        this.healthz = b.healthz;
        this.keepAlive = b.keepAlive;
        this.allowedHosts = List.copyOf(b.allowedHosts);
    }

    /** {@return a builder with the defaults: 127.0.0.1:9999, no configured token, no token file} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds a dashboard with default options.
     *
     * @param mesh what it shows and steers
     * @param host bind address
     * @param port bind port (0: any free port)
     * @return the running dashboard
     * @throws IOException when the port cannot be bound
     */
    public static Dashboard start(MeshControl mesh, String host, int port) throws IOException {
        return builder().mesh(mesh).host(host).port(port).build().start();
    }

    /**
     * Resolves the token, binds and starts serving. On a non-loopback host without a configured
     * token, a new token is generated and written to the token file first.
     *
     * @return this dashboard, running
     * @throws IOException when the port cannot be bound ({@link BindException} when it is taken) or
     *                     the token file cannot be written
     * @throws IllegalStateException when already started
     */
    public synchronized Dashboard start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("dashboard on " + host + ":" + requestedPort + " already started");
        }
        boolean loopback = isLoopbackHost(host);
        String token = configuredToken;
        boolean generated = false;
        if (token == null && !loopback) {
            token = Access.newSecret(new SecureRandom());
            generated = true;
            if (tokenFile != null) {
                TokenFile.write(tokenFile, token);
                writtenTokenFile = tokenFile.toAbsolutePath();
            }
        }
        MeshFeature.Builder fb = MeshFeature.builder(mesh).token(token).healthz(healthz).sseKeepAlive(keepAlive)
                .hostName(host).allowHosts(allowedHosts.toArray(String[]::new));
        feature = fb.build();
        MeshFeature routes = feature;
        WebServer started = WebServer.builder()
                .host(host)
                .port(requestedPort)
                .shutdownHook(false)
                .maxPayloadSize(Api.MAX_CONFIG_BYTES + 4096L)
                .routing(r -> r.addFeature(routes))
                .build()
                .start();
        if (!started.isRunning()) {
            // The web server logs a failed bind and returns stopped; bind once more for the cause.
            throw bindFailure();
        }
        server = started;
        String base = "http://" + urlHost(host) + ":" + server.port();
        LOG.log(Level.INFO, "dashboard listening on " + base + "/");
        if (token != null) {
            loginUrl = base + feature.newLoginPath().orElseThrow();
            String where = generated
                    ? (writtenTokenFile != null
                        ? "token generated and written to " + writtenTokenFile + " (owner only)"
                        : "token generated (no config file to write it beside): " + token)
                    : "configured dashboard_token";
            LOG.log(Level.INFO, "dashboard API needs a token: " + where + "; one-time login link: " + loginUrl);
        }
        return this;
    }

    /** {@return the bound port} */
    public synchronized int port() {
        requireStarted();
        return server.port();
    }

    /** {@return {@code http://HOST:PORT/}, with a reachable address in place of a wildcard host} */
    public synchronized String url() {
        requireStarted();
        return "http://" + urlHost(host) + ":" + server.port() + "/";
    }

    /** {@return whether API calls need the token or a session} */
    public synchronized boolean tokenRequired() {
        requireStarted();
        return feature.tokenRequired();
    }

    /** {@return the one-time login link logged at start, empty when no token is needed} */
    public synchronized Optional<String> loginUrl() {
        requireStarted();
        return Optional.ofNullable(loginUrl);
    }

    /** {@return the token file written at start, empty when none was written} */
    public synchronized Optional<Path> tokenFile() {
        return Optional.ofNullable(writtenTokenFile);
    }

    /** Stops serving: ends event streams and releases the port. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        int port = server.port();
        feature.close();
        server.stop();
        LOG.log(Level.INFO, "dashboard on " + host + ":" + port + " stopped");
        server = null;
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("dashboard on " + host + ":" + requestedPort + " is not running");
        }
    }

    private IOException bindFailure() {
        String where = "dashboard cannot bind " + host + ":" + requestedPort + ": ";
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, requestedPort));
        } catch (BindException e) {
            BindException out = new BindException(where + e.getMessage());
            out.initCause(e);
            return out;
        } catch (IOException e) {
            return new IOException(where + e.getMessage(), e);
        }
        return new IOException(where + "the web server did not start (see its log)");
    }

    static boolean isLoopbackHost(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    // A wildcard bind has no address of its own: name the first outward one (else loopback).
    private static String urlHost(String host) {
        String h = host;
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isAnyLocalAddress()) {
                h = firstOutwardAddress().orElse("127.0.0.1");
            }
        } catch (UnknownHostException e) {
            return host;
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static Optional<String> firstOutwardAddress() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            LOG.log(Level.DEBUG, () -> "network interfaces unreadable: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Options of a {@link Dashboard}. */
    public static final class Builder {
        private MeshControl mesh;
        private String host = Config.DEFAULT_DASHBOARD_HOST;
        private int port = Integer.parseInt(Config.DEFAULT_DASHBOARD_PORT);
        private String token;
        private Path tokenFile;
        private HealthzOptions healthz = HealthzOptions.DEFAULT;
        private Duration keepAlive = Duration.ofSeconds(15);
        private final List<String> allowedHosts = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets what the dashboard shows and steers (required).
         *
         * @param mesh what the dashboard shows and steers (required)
         * @return this builder
         */
        public Builder mesh(MeshControl mesh) {
            this.mesh = mesh;
            return this;
        }

        /**
         * Sets the bind address.
         *
         * @param host bind address; {@code null} or blank for 127.0.0.1
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host == null || host.isBlank() ? Config.DEFAULT_DASHBOARD_HOST : host.trim();
            return this;
        }

        /**
         * Sets the bind port.
         *
         * @param port bind port, 0 for any free port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("dashboard port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the configured {@code dashboard_token}.
         *
         * @param token the configured {@code dashboard_token}; when set it is required on every
         *              host, loopback included; {@code null} or blank for none
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.trim();
            return this;
        }

        /**
         * Writes a generated token to {@code <configPath>.token}.
         *
         * @param configPath the config file; {@code null} for none (the token is then only logged)
         * @return this builder
         */
        public Builder configPath(Path configPath) {
            this.tokenFile = configPath == null ? null : TokenFile.besideConfig(configPath);
            return this;
        }

        /**
         * Sets where a generated token is written, instead of beside the config.
         *
         * @param tokenFile where to write a generated token, instead of beside the config
         * @return this builder
         */
        public Builder tokenFile(Path tokenFile) {
            this.tokenFile = tokenFile;
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
         * Sets the keep-alive interval of idle event streams.
         *
         * @param interval keep-alive interval of idle event streams (default 15 s)
         * @return this builder
         */
        public Builder sseKeepAlive(Duration interval) {
            this.keepAlive = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Adds host names the dashboard is reached by, besides its own addresses.
         *
         * @param hosts further {@code host} or {@code host:port} names the dashboard is reached by
         * @return this builder
         */
        public Builder allowHosts(String... hosts) {
            allowedHosts.addAll(List.of(hosts));
            return this;
        }

        /** {@return the dashboard, not yet started} */
        public Dashboard build() {
            return new Dashboard(this);
        }
    }
}
