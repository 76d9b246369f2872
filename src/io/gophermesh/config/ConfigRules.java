package io.gophermesh.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The normalisation and validation rules of the schema, after Go's {@code Config.Normalize}: fills
 * defaults, canonicalises names and ports, and refuses what cannot run. Every refusal names the
 * route (by public port) and the backend (by name, or by its 1-based index when it has none).
 */
final class ConfigRules {
    private static final System.Logger LOG = System.getLogger(ConfigRules.class.getName());
    private static final String LOCALHOST = "127.0.0.1";
    private static final String DEFAULT_ROUTE_PORT = "8081";

    private ConfigRules() {
    }

    /**
     * @param raw config as parsed or built in code; nothing in it is trusted
     * @return normalised config with unmodifiable lists and routes sorted by port number
     * @throws ConfigException naming the route and backend concerned
     */
    static Config normalize(Config raw) throws ConfigException {
        String host = trim(raw.dashboardHost());
        if (host.isEmpty()) {
            host = Config.DEFAULT_DASHBOARD_HOST;
        }
        String dashboardPort = trim(raw.dashboardPort());
        dashboardPort = dashboardPort.isEmpty() ? Config.DEFAULT_DASHBOARD_PORT
                : port(dashboardPort, "dashboard_port");
        List<String> origins = origins(raw.trustedOrigins());
        String internalPort = trim(raw.internalPort());
        if (!internalPort.isEmpty()) {
            internalPort = port(internalPort, "internal_port");
        }
        String token = trim(raw.dashboardToken());
        Map<String, RouteConfig> routes = raw.routes() == null || raw.routes().isEmpty()
                ? defaultRoutes(dashboardPort) : raw.routes();
        Map<String, RouteConfig> normalized = new Routes(dashboardPort, routes).normalize();
        return new Config(host, dashboardPort, origins, trim(raw.serviceName()), internalPort,
                token.isEmpty() ? null : token, normalized, raw.configPath());
    }

    /** {@return the internal health route Go puts on 8081 when a config has no routes} */
    static Map<String, RouteConfig> defaultRoutes(String dashboardPort) {
        BackendConfig dashboard = new BackendConfig("dashboard", BackendConfig.INTERNAL, List.of(), null,
                dashboardPort, null, null, null);
        RouteConfig health = new RouteConfig("Internal-Healthcheck", Protocol.HTTP, null, null,
                List.of(dashboard), null, null, null, null, null, null, null, null, null, null);
        return Map.of(DEFAULT_ROUTE_PORT, health);
    }

    /** Go treats an unknown protocol as http; so do we, with a warning. */
    static Protocol protocol(String wire, String where) {
        String value = trim(wire).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> null;
            case "http" -> Protocol.HTTP;
            case "tcp" -> Protocol.TCP;
            case "stdio" -> Protocol.STDIO;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "{0}: unknown protocol \"{1}\", using http", where, wire);
                yield Protocol.HTTP;
            }
        };
    }

    /** Go treats an unknown stdio mode as stream; so do we, with a warning. */
    static StdioMode stdioMode(String wire, String where) {
        String value = trim(wire).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> null;
            case "stream" -> StdioMode.STREAM;
            case "http" -> StdioMode.HTTP;
            case "auto" -> StdioMode.AUTO;
            case "cgi" -> StdioMode.CGI;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "{0}: unknown stdio_mode \"{1}\", using stream", where, wire);
                yield StdioMode.STREAM;
            }
        };
    }

    /** Go treats an unknown strategy as round_robin; so do we, with a warning. */
    static LoadBalance loadBalance(String wire, String where) {
        String value = trim(wire).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> null;
            case "round_robin" -> LoadBalance.ROUND_ROBIN;
            case "least_conn" -> LoadBalance.LEAST_CONN;
            case "ip_hash" -> LoadBalance.IP_HASH;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "{0}: unknown load_balance \"{1}\", using round_robin",
                        where, wire);
                yield LoadBalance.ROUND_ROBIN;
            }
        };
    }

    /**
     * @param value trimmed, non-empty port text
     * @param what  what the port is, for the message
     * @return the port in canonical form (no sign, no leading zeros)
     * @throws ConfigException when it is not a number from 1 to 65535
     */
    static String port(String value, String what) throws ConfigException {
        // Integer.parseInt would also take "+80" and non-ASCII digits.
        if (!value.matches("[0-9]+")) {
            throw new ConfigException(what + " " + Quote.of(value) + " is not a number");
        }
        String digits = value.replaceFirst("^0+(?=.)", "");
        int n = digits.length() > 5 ? -1 : Integer.parseInt(digits);
        if (n < 1 || n > 65_535) {
            throw new ConfigException(what + " " + digits + " is outside 1-65535");
        }
        return Integer.toString(n);
    }

    static String trim(String s) {
        return s == null ? "" : s.strip();
    }

    private static List<String> origins(List<String> raw) throws ConfigException {
        if (raw == null || raw.isEmpty()) {
            return List.of("*");
        }
        List<String> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i) == null) {
                throw new ConfigException("trusted_origins entry " + (i + 1) + " is null");
            }
            out.add(raw.get(i).strip());
        }
        return List.copyOf(out);
    }

    /** The routes of one config: public ports are needed to check every backend against them. */
    private static final class Routes {
        private final String dashboardPort;
        private final Map<String, RouteConfig> raw;
        /**
         * Internal port to the route and backend that first used it. Go refuses a port used twice
         * (backends are also addressed by internal port), even within one route.
         */
        private final Map<String, String> backendPorts = new HashMap<>();

        Routes(String dashboardPort, Map<String, RouteConfig> raw) {
            this.dashboardPort = dashboardPort;
            this.raw = raw;
        }

        Map<String, RouteConfig> normalize() throws ConfigException {
            TreeMap<Integer, Map.Entry<String, RouteConfig>> byPort = new TreeMap<>();
            Map<Integer, String> rawKeys = new HashMap<>();
            for (Map.Entry<String, RouteConfig> e : raw.entrySet()) {
                String key = trim(e.getKey());
                if (key.isEmpty()) {
                    throw new ConfigException("a route has a blank port");
                }
                String port;
                try {
                    port = port(key, "port");
                } catch (ConfigException ex) {
                    throw new ConfigException("route " + Quote.of(key) + ": " + ex.getMessage());
                }
                if (port.equals(dashboardPort)) {
                    throw new ConfigException("route " + port + ": port " + port
                            + " is also the dashboard_port");
                }
                int n = Integer.parseInt(port);
                String earlier = rawKeys.putIfAbsent(n, e.getKey());
                if (earlier != null) {
                    throw new ConfigException("route " + port + " is defined twice (as " + Quote.of(earlier)
                            + " and " + Quote.of(e.getKey()) + ")");
                }
                if (e.getValue() == null) {
                    throw new ConfigException("route " + port + ": the route is null");
                }
                byPort.put(n, Map.entry(port, e.getValue()));
            }
            Map<String, RouteConfig> out = new LinkedHashMap<>();
            for (Map.Entry<String, RouteConfig> e : byPort.values()) {
                out.put(e.getKey(), route(e.getKey(), e.getValue(), byPort.keySet()));
            }
            return Collections.unmodifiableMap(out);
        }

        private RouteConfig route(String port, RouteConfig r, Set<Integer> publicPorts) throws ConfigException {
            String where = "route " + port;
            String name = trim(r.name());
            if (name.isEmpty()) {
                name = "Route-" + port;
            }
            Protocol protocol = r.protocol() == null ? Protocol.HTTP : r.protocol();
            StdioMode mode = protocol != Protocol.STDIO ? null
                    : r.stdioMode() == null ? StdioMode.STREAM : r.stdioMode();
            LoadBalance balance = r.loadBalance() == null ? LoadBalance.ROUND_ROBIN : r.loadBalance();
            if (r.backends() == null || r.backends().isEmpty()) {
                throw new ConfigException(where + " (" + Quote.bare(name) + ") has no backends");
            }
            positive(where, "max_connections", r.maxConnections());
            positive(where, "max_concurrency", r.maxConcurrency());
            notNegative(where, "prewarm", r.prewarm());
            positive(where, "max_header_size", r.maxHeaderSize());
            notNegative(where, "max_body_size", r.maxBodySize());
            duration(where, "request_timeout", r.requestTimeout());
            duration(where, "idle_timeout", r.idleTimeout());
            duration(where, "header_timeout", r.headerTimeout());
            duration(where, "connect_timeout", r.connectTimeout());
            duration(where, "response_timeout", r.responseTimeout());
            if (r.prewarm() != null && r.prewarm() > 0) {
                if (mode != StdioMode.STREAM) {
                    throw new ConfigException(where + ": prewarm needs protocol stdio with stdio_mode stream");
                }
                int limit = r.maxConcurrency() == null ? RouteConfig.DEFAULT_MAX_CONCURRENCY : r.maxConcurrency();
                if (r.prewarm() > limit) {
                    throw new ConfigException(where + ": prewarm " + r.prewarm()
                            + " is more than max_concurrency " + limit);
                }
            }
            List<BackendConfig> backends = new ArrayList<>(r.backends().size());
            int internal = 0;
            for (int i = 0; i < r.backends().size(); i++) {
                BackendConfig b = backend(where, name, protocol, i, r.backends().get(i), publicPorts);
                internal += b.isInternal() ? 1 : 0;
                backends.add(b);
            }
            if (internal > 0 && internal < backends.size()) {
                throw new ConfigException(where + ": an internal backend cannot share a route with other backends");
            }
            if (internal > 1) {
                throw new ConfigException(where + ": a route can have only one internal backend");
            }
            return new RouteConfig(name, protocol, mode, balance, List.copyOf(backends),
                    r.maxConnections(), r.maxConcurrency(), r.prewarm(), r.requestTimeout(),
                    r.maxHeaderSize(), r.maxBodySize(), r.idleTimeout(), r.headerTimeout(),
                    r.connectTimeout(), r.responseTimeout());
        }

        private BackendConfig backend(String route, String routeName, Protocol protocol, int index,
                                      BackendConfig b, Set<Integer> publicPorts) throws ConfigException {
            if (b == null) {
                throw new ConfigException(route + " backend " + (index + 1) + " is null");
            }
            String name = trim(b.name());
            String where = route + " backend " + (name.isEmpty() ? Integer.toString(index + 1) : Quote.bare(name));
            if (name.isEmpty()) {
                name = routeName + "-" + (index + 1);
            }
            String cmd = trim(b.cmd());
            if (cmd.equalsIgnoreCase(BackendConfig.INTERNAL)) {
                cmd = BackendConfig.INTERNAL;
            }
            List<String> args = b.args() == null ? List.of() : b.args();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) == null) {
                    throw new ConfigException(where + ": args entry " + (i + 1) + " is null");
                }
            }
            duration(where, "start_timeout", b.startTimeout());
            duration(where, "idle_timeout", b.idleTimeout());
            positive(where, "max_start_failures", b.maxStartFailures());
            String host;
            String port;
            if (protocol == Protocol.STDIO) {
                if (cmd.isEmpty()) {
                    throw new ConfigException(where + ": a stdio backend needs cmd");
                }
                if (cmd.equals(BackendConfig.INTERNAL)) {
                    throw new ConfigException(where + ": a stdio route cannot have an internal backend");
                }
                // Go clears the address of stdio backends: children talk over pipes.
                host = "";
                port = "";
            } else {
                host = trim(b.internalHost());
                if (host.isEmpty()) {
                    host = LOCALHOST;
                }
                port = trim(b.internalPort());
                if (cmd.equals(BackendConfig.INTERNAL)) {
                    if (protocol != Protocol.HTTP) {
                        throw new ConfigException(where + ": an internal backend needs protocol http");
                    }
                    port = port.isEmpty() ? dashboardPort : backendPort(where, port);
                } else {
                    if (port.isEmpty()) {
                        throw new ConfigException(where + ": internal_port is missing (needed for "
                                + protocol.wireName() + " routes)");
                    }
                    port = backendPort(where, port);
                    checkLoop(where, port, publicPorts);
                }
            }
            return new BackendConfig(name, cmd, List.copyOf(args), host, port, b.startTimeout(),
                    b.idleTimeout(), b.maxStartFailures());
        }

        private String backendPort(String where, String value) throws ConfigException {
            try {
                return port(value, "internal_port");
            } catch (ConfigException e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
        }

        private void checkLoop(String where, String port, Set<Integer> publicPorts) throws ConfigException {
            if (port.equals(dashboardPort)) {
                throw new ConfigException(where + ": internal_port " + port
                        + " is the dashboard_port (use cmd \"internal\" for the health route)");
            }
            if (publicPorts.contains(Integer.parseInt(port))) {
                throw new ConfigException(where + ": internal_port " + port
                        + " is a public port of the mesh, which would loop");
            }
            String earlier = backendPorts.putIfAbsent(port, where);
            if (earlier != null) {
                throw new ConfigException(where + ": internal_port " + port + " is already used by "
                        + earlier);
            }
        }
    }

    private static void duration(String where, String field, Duration d) throws ConfigException {
        if (d == null) {
            return;
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(where + ": " + field + " must be more than 0, not "
                    + GoDuration.format(d));
        }
        if (d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new ConfigException(where + ": " + field + " " + GoDuration.format(d) + " is too long");
        }
    }

    private static void positive(String where, String field, Number n) throws ConfigException {
        if (n != null && n.longValue() <= 0) {
            throw new ConfigException(where + ": " + field + " must be at least 1, not " + n);
        }
    }

    private static void notNegative(String where, String field, Number n) throws ConfigException {
        if (n != null && n.longValue() < 0) {
            throw new ConfigException(where + ": " + field + " must not be negative, not " + n);
        }
    }
}
