package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The defaults and canonical forms Go's Normalize gives, plus ours. */
@Timeout(10)
class ConfigNormalizeTest {

    static Config parse(String json) {
        try {
            return Config.parse(json);
        } catch (ConfigException e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }

    @Test
    void emptyConfigGetsGoDefaults() {
        Config c = parse("{}");
        assertEquals("127.0.0.1", c.dashboardHost());
        assertEquals("9999", c.dashboardPort());
        assertEquals(List.of("*"), c.trustedOrigins());
        assertEquals("", c.serviceName());
        assertEquals("", c.internalPort());
        assertNull(c.dashboardToken());
        assertNull(c.configPath());
        assertEquals(List.of("8081"), List.copyOf(c.routes().keySet()));
        RouteConfig health = c.routes().get("8081");
        assertEquals("Internal-Healthcheck", health.name());
        assertEquals(Protocol.HTTP, health.protocol());
        assertEquals(LoadBalance.ROUND_ROBIN, health.loadBalance());
        assertTrue(health.isInternal());
        BackendConfig dashboard = health.backends().getFirst();
        assertEquals("dashboard", dashboard.name());
        assertEquals("internal", dashboard.cmd());
        assertEquals("9999", dashboard.internalPort());
        assertEquals("127.0.0.1", dashboard.internalHost());
        assertEquals(c, Config.defaults());
        assertEquals(c, parse("{\"routes\": {}}"));
        assertEquals(c, parse("{\"routes\": null, \"trusted_origins\": []}"));
    }

    @Test
    void defaultHealthRouteFollowsTheDashboardPort() {
        Config c = parse("{\"dashboard_port\": \" 19999 \", \"dashboard_host\": \"  \"}");
        assertEquals("19999", c.dashboardPort());
        assertEquals("127.0.0.1", c.dashboardHost());
        assertEquals("19999", c.routes().get("8081").backends().getFirst().internalPort());
    }

    @Test
    void goCanonicalisationCase() {
        Config c = parse("""
                {"routes": {
                  " 8088 ": {"name": "Internal Route", "backends": [{"cmd": " Internal "}]},
                  "8089": {"name": "TCP Worker", "protocol": " TCP ", "load_balance": "unsupported",
                           "backends": [{"cmd": " go ", "internal_port": "9089"}]},
                  "8090": {"name": "Fallback HTTP Worker", "backends": [{"cmd": "python", "internal_port": "9090"}]}
                }}""");
        RouteConfig internal = c.routes().get("8088");
        assertTrue(internal.isInternal());
        assertEquals("internal", internal.backends().getFirst().cmd());
        assertEquals("9999", internal.backends().getFirst().internalPort());
        RouteConfig tcp = c.routes().get("8089");
        assertEquals(Protocol.TCP, tcp.protocol());
        assertEquals(LoadBalance.ROUND_ROBIN, tcp.loadBalance());
        assertEquals("go", tcp.backends().getFirst().cmd());
        assertEquals("TCP Worker-1", tcp.backends().getFirst().name());
        assertEquals("127.0.0.1", tcp.backends().getFirst().internalHost());
        RouteConfig http = c.routes().get("8090");
        assertEquals(Protocol.HTTP, http.protocol());
        assertNull(http.stdioMode());
    }

    @Test
    void namesAreTrimmedOrDefaulted() {
        Config c = parse("""
                {"service_name": "  shop ", "routes": {"8081": {"name": "  ", "backends": [
                  {"name": " api ", "cmd": "a", "internal_port": "9001", "internal_host": " localhost "},
                  {"cmd": "b", "internal_port": "9002"}]}}}""");
        assertEquals("shop", c.serviceName());
        RouteConfig r = c.routes().get("8081");
        assertEquals("Route-8081", r.name());
        assertEquals("api", r.backends().get(0).name());
        assertEquals("localhost", r.backends().get(0).internalHost());
        assertEquals("Route-8081-2", r.backends().get(1).name());
    }

    @Test
    void protocolAndLoadBalanceAreLowerCasedWithGoFallbacks() {
        Config c = parse("""
                {"routes": {
                  "8001": {"protocol": "HTTP", "load_balance": " LEAST_CONN ", "backends": [{"internal_port": "9001"}]},
                  "8002": {"protocol": "udp", "load_balance": "ip_hash", "backends": [{"internal_port": "9002"}]},
                  "8003": {"protocol": " Tcp", "load_balance": "random", "backends": [{"internal_port": "9003"}]},
                  "8004": {"backends": [{"internal_port": "9004"}]}}}""");
        assertEquals(Protocol.HTTP, c.routes().get("8001").protocol());
        assertEquals(LoadBalance.LEAST_CONN, c.routes().get("8001").loadBalance());
        assertEquals(Protocol.HTTP, c.routes().get("8002").protocol());
        assertEquals(LoadBalance.IP_HASH, c.routes().get("8002").loadBalance());
        assertEquals(Protocol.TCP, c.routes().get("8003").protocol());
        assertEquals(LoadBalance.ROUND_ROBIN, c.routes().get("8003").loadBalance());
        assertEquals(Protocol.HTTP, c.routes().get("8004").protocol());
        assertEquals(LoadBalance.ROUND_ROBIN, c.routes().get("8004").loadBalance());
    }

    @Test
    void stdioModeOnlyOnStdioRoutes() {
        Config c = parse("""
                {"routes": {
                  "8001": {"protocol": "stdio", "backends": [{"cmd": "a"}]},
                  "8002": {"protocol": "stdio", "stdio_mode": " HTTP ", "backends": [{"cmd": "a"}]},
                  "8003": {"protocol": "stdio", "stdio_mode": "Auto", "backends": [{"cmd": "a"}]},
                  "8004": {"protocol": "stdio", "stdio_mode": "cgi", "backends": [{"cmd": "a"}]},
                  "8005": {"protocol": "stdio", "stdio_mode": "websocket", "backends": [{"cmd": "a"}]},
                  "8006": {"protocol": "http", "stdio_mode": "http", "backends": [{"internal_port": "9006"}]},
                  "8007": {"protocol": "tcp", "stdio_mode": "stream", "backends": [{"internal_port": "9007"}]}}}""");
        assertEquals(StdioMode.STREAM, c.routes().get("8001").stdioMode());
        assertEquals(StdioMode.HTTP, c.routes().get("8002").stdioMode());
        assertEquals(StdioMode.AUTO, c.routes().get("8003").stdioMode());
        assertEquals(StdioMode.CGI, c.routes().get("8004").stdioMode());
        assertEquals(StdioMode.STREAM, c.routes().get("8005").stdioMode());
        assertNull(c.routes().get("8006").stdioMode());
        assertNull(c.routes().get("8007").stdioMode());
        assertEquals(5, c.routesJson().split("\"stdio_mode\"", -1).length - 1, "written for stdio routes only");
    }

    @Test
    void stdioBackendsHaveNoAddress() {
        Config c = parse("""
                {"routes": {"17083": {"protocol": " STDIO ", "backends": [
                  {"cmd": " go ", "args": ["run", " ./echo "], "internal_host": "10.0.0.1", "internal_port": "9000"}]}}}""");
        BackendConfig b = c.routes().get("17083").backends().getFirst();
        assertEquals("go", b.cmd());
        assertEquals(List.of("run", " ./echo "), b.args());
        assertEquals("", b.internalHost());
        assertEquals("", b.internalPort());
        assertFalse(c.toJson().contains("internal_host\": \"\""));
    }

    @Test
    void internalCommandInAnyCase() {
        Config c = parse("{\"routes\": {\"8081\": {\"backends\": [{\"cmd\": \"INTERNAL\", \"internal_port\": \"7000\"}]}}}");
        BackendConfig b = c.routes().get("8081").backends().getFirst();
        assertEquals("internal", b.cmd());
        assertEquals("7000", b.internalPort());
        assertTrue(b.isInternal());
        assertFalse(b.isManaged());
    }

    @Test
    void portsAreCanonicalAndRoutesSortedByNumber() {
        Config c = parse("""
                {"dashboard_port": "09999", "internal_port": "0042", "routes": {
                  "10000": {"backends": [{"internal_port": "9003"}]},
                  "800": {"backends": [{"internal_port": "09001"}]},
                  " 9000": {"backends": [{"internal_port": "9002"}]}}}""");
        assertEquals("9999", c.dashboardPort());
        assertEquals("42", c.internalPort());
        assertEquals(List.of("800", "9000", "10000"), List.copyOf(c.routes().keySet()));
        assertEquals("9001", c.routes().get("800").backends().getFirst().internalPort());
        assertEquals(9001, c.routes().get("800").backends().getFirst().port());
        assertEquals(9999, c.dashboardPortNumber());
    }

    @Test
    void collectionsAreUnmodifiableAndArgsNeverNull() {
        Config c = parse("{\"routes\": {\"8081\": {\"backends\": [{\"cmd\": \"a\", \"internal_port\": \"9001\"}]}}}");
        RouteConfig r = c.routes().get("8081");
        assertEquals(List.of(), r.backends().getFirst().args());
        assertThrows(UnsupportedOperationException.class, () -> c.routes().put("1", r));
        assertThrows(UnsupportedOperationException.class, () -> c.trustedOrigins().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> r.backends().add(r.backends().getFirst()));
        assertThrows(UnsupportedOperationException.class, () -> r.backends().getFirst().args().add("x"));
    }

    @Test
    void normalizeCopiesCallerCollections() throws ConfigException {
        java.util.ArrayList<String> args = new java.util.ArrayList<>(List.of("-v"));
        BackendConfig b = new BackendConfig(null, "srv", args, null, "9001", null, null, null);
        java.util.HashMap<String, RouteConfig> routes = new java.util.HashMap<>();
        routes.put("8081", new RouteConfig(null, null, null, null, List.of(b), null, null, null, null, null, null,
                null, null, null, null));
        Config c = new Config(null, null, null, null, null, null, routes, null).normalize();
        args.add("-x");
        routes.clear();
        assertEquals(List.of("-v"), c.routes().get("8081").backends().getFirst().args());
        assertEquals(c, c.normalize());
    }

    @Test
    void tokenAndOriginsAreTrimmed() {
        Config c = parse("{\"dashboard_token\": \"  s3cret \", \"trusted_origins\": [\" https://a.example \", \"\"]}");
        assertEquals("s3cret", c.dashboardToken());
        assertEquals(List.of("https://a.example", ""), c.trustedOrigins());
        assertNull(parse("{\"dashboard_token\": \"   \"}").dashboardToken());
    }

    @Test
    void optionalFieldsStayNullAndAreNotWritten() {
        Config c = parse("{\"routes\": {\"8081\": {\"backends\": [{\"cmd\": \"a\", \"internal_port\": \"9001\"}]}}}");
        RouteConfig r = c.routes().get("8081");
        assertNull(r.maxConnections());
        assertNull(r.idleTimeout());
        assertNull(r.backends().getFirst().startTimeout());
        assertEquals(RouteConfig.DEFAULT_MAX_CONNECTIONS, r.effectiveMaxConnections());
        assertEquals(RouteConfig.DEFAULT_HTTP_IDLE_TIMEOUT, r.effectiveIdleTimeout());
        String json = c.toJson();
        for (String field : List.of("max_connections", "max_concurrency", "prewarm", "request_timeout",
                "max_header_size", "max_body_size", "idle_timeout", "header_timeout", "connect_timeout",
                "response_timeout", "start_timeout", "max_start_failures", "dashboard_token", "stdio_mode",
                "service_name", "args")) {
            assertFalse(json.contains("\"" + field + "\""), field + " in " + json);
        }
    }

    @Test
    void ourAdditionsAreReadAndWrittenBack() {
        Config c = parse("""
                {"dashboard_token": "t", "routes": {
                  "8081": {"max_connections": 100, "max_header_size": 8192, "max_body_size": 0,
                    "idle_timeout": "1h30m", "header_timeout": "10s", "connect_timeout": "1.5s",
                    "response_timeout": "500ms",
                    "backends": [{"cmd": "a", "internal_port": "9001", "start_timeout": "45s",
                      "idle_timeout": "10m", "max_start_failures": 3}]},
                  "8082": {"protocol": "stdio", "max_concurrency": 8, "prewarm": 2, "request_timeout": "2s",
                    "backends": [{"cmd": "cat"}]}}}""");
        RouteConfig r = c.routes().get("8081");
        assertEquals(100, r.maxConnections());
        assertEquals(8192L, r.maxHeaderSize());
        assertEquals(0L, r.maxBodySize());
        assertEquals(Duration.ofMinutes(90), r.idleTimeout());
        assertEquals(Duration.ofSeconds(10), r.headerTimeout());
        assertEquals(Duration.ofMillis(1500), r.connectTimeout());
        assertEquals(Duration.ofMillis(500), r.responseTimeout());
        BackendConfig b = r.backends().getFirst();
        assertEquals(Duration.ofSeconds(45), b.startTimeout());
        assertEquals(Duration.ofMinutes(10), b.idleTimeout());
        assertEquals(3, b.maxStartFailures());
        RouteConfig s = c.routes().get("8082");
        assertEquals(8, s.maxConcurrency());
        assertEquals(2, s.prewarm());
        assertEquals(Duration.ofSeconds(2), s.requestTimeout());
        String json = c.toJson();
        assertTrue(json.contains("\"idle_timeout\": \"1h30m0s\""), json);
        assertTrue(json.contains("\"connect_timeout\": \"1.5s\""), json);
        assertTrue(json.contains("\"max_start_failures\": 3"), json);
        assertTrue(json.contains("\"dashboard_token\": \"t\""), json);
        assertEquals(c, parse(json));
    }

    @Test
    void toJsonHasGoLayoutAndOrder() {
        Config c = parse("{\"service_name\": \"svc\", \"routes\": {\"8081\": {\"backends\": ["
                + "{\"cmd\": \"\", \"internal_port\": \"9001\", \"args\": [\"-a\"]}]}}}");
        String expected = """
                {
                  "dashboard_host": "127.0.0.1",
                  "dashboard_port": "9999",
                  "trusted_origins": [
                    "*"
                  ],
                  "service_name": "svc",
                  "routes": {
                    "8081": {
                      "name": "Route-8081",
                      "protocol": "http",
                      "load_balance": "round_robin",
                      "backends": [
                        {
                          "name": "Route-8081-1",
                          "cmd": "",
                          "args": [
                            "-a"
                          ],
                          "internal_host": "127.0.0.1",
                          "internal_port": "9001"
                        }
                      ]
                    }
                  }
                }""";
        assertEquals(expected, c.toJson());
        String routes = c.routesJson();
        assertTrue(routes.startsWith("{\n  \"8081\": {\n    \"name\": \"Route-8081\",\n"), routes);
        assertEquals(c.routes(), assertDoesNotThrowParse(c, routes).routes());
    }

    private static Config assertDoesNotThrowParse(Config base, String routes) {
        try {
            return base.withRoutesJson(routes);
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void withRoutesJsonKeepsTopLevelFields() throws ConfigException {
        Config base = parse("{\"dashboard_host\": \"0.0.0.0\", \"dashboard_port\": \"19999\", \"dashboard_token\": \"t\","
                + " \"trusted_origins\": [\"https://x\"], \"service_name\": \"svc\"}")
                .withConfigPath(java.nio.file.Path.of("/tmp/x.json"));
        Config next = base.withRoutesJson("{\"18000\": {\"backends\": [{\"cmd\": \"internal\"}]},"
                + " \"18081\": {\"backends\": [{\"cmd\": \"srv\", \"internal_port\": \"19081\"}]}}");
        assertEquals("0.0.0.0", next.dashboardHost());
        assertEquals("19999", next.dashboardPort());
        assertEquals("t", next.dashboardToken());
        assertEquals(List.of("https://x"), next.trustedOrigins());
        assertEquals("svc", next.serviceName());
        assertEquals(base.configPath(), next.configPath());
        assertEquals(List.of("18000", "18081"), List.copyOf(next.routes().keySet()));
        assertEquals("19999", next.routes().get("18000").backends().getFirst().internalPort());
        assertEquals(List.of("8081"), List.copyOf(base.routes().keySet()), "base unchanged");
    }
}
