package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every rule that refuses a config, and that the message names the route and backend. */
@Timeout(10)
class ConfigRefusalTest {

    static String refused(String json) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(json));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static final String STDIO_BACKEND = "\"backends\": [{\"cmd\": \"a\"}]";

    /** A config with one route on 8081 whose body is {@code route}. */
    static String route(String route) {
        return "{\"routes\": {\"8081\": " + route + "}}";
    }

    @Test
    void blankOrNonNumericPorts() {
        assertEquals("a route has a blank port", refused("{\"routes\": {\"  \": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route \"web\": port \"web\" is not a number",
                refused("{\"routes\": {\"web\": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route \"+80\": port \"+80\" is not a number",
                refused("{\"routes\": {\"+80\": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route \"0\": port 0 is outside 1-65535",
                refused("{\"routes\": {\"0\": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route \"65536\": port 65536 is outside 1-65535",
                refused("{\"routes\": {\"65536\": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route \"99999999999\": port 99999999999 is outside 1-65535",
                refused("{\"routes\": {\"99999999999\": {}}}"));
        assertEquals("route \"000\": port 0 is outside 1-65535", refused("{\"routes\": {\"000\": {}}}"));
        assertEquals("dashboard_port \"99x\" is not a number", refused("{\"dashboard_port\": \"99x\"}"));
        assertEquals("dashboard_port 70000 is outside 1-65535", refused("{\"dashboard_port\": \"70000\"}"));
        assertEquals("internal_port \"x\" is not a number", refused("{\"internal_port\": \"x\"}"));
        assertEquals("route 8081 backend 1: internal_port \"90 01\" is not a number",
                refused(route("{\"backends\": [{\"internal_port\": \"90 01\"}]}")));
        assertEquals("route 8081 backend api: internal_port 0 is outside 1-65535",
                refused(route("{\"backends\": [{\"name\": \"api\", \"internal_port\": \"0\"}]}")));
        assertEquals("route 8081 backend 1: internal_port \"x\" is not a number",
                refused(route("{\"backends\": [{\"cmd\": \"internal\", \"internal_port\": \"x\"}]}")));
    }

    @Test
    void samePublicPortTwice() {
        assertTrue(refused("{\"routes\": {\"8081\": {}, \" 8081\": {}}}")
                .startsWith("route 8081 is defined twice (as \"8081\" and \" 8081\")"));
        assertTrue(refused("{\"routes\": {\"8081\": {}, \"08081\": {}}}").startsWith("route 8081 is defined twice"));
    }

    @Test
    void routeWithoutBackends() {
        assertEquals("route 8081 (Route-8081) has no backends", refused(route("{}")));
        assertEquals("route 8081 (api) has no backends", refused(route("{\"name\": \"api\", \"backends\": []}")));
    }

    @Test
    void networkBackendWithoutInternalPort() {
        assertEquals("route 8081 backend 2: internal_port is missing (needed for http routes)",
                refused(route("{\"backends\": [{\"internal_port\": \"9001\"}, {\"cmd\": \"srv\"}]}")));
        assertEquals("route 8081 backend b: internal_port is missing (needed for tcp routes)",
                refused(route("{\"protocol\": \"tcp\", \"backends\": [{\"name\": \"b\", \"internal_port\": \" \"}]}")));
    }

    @Test
    void internalPortUsedTwice() {
        String across = refused("""
                {"routes": {"8081": {"backends": [{"name": "a", "internal_port": "9001"}]},
                            "8082": {"backends": [{"name": "b", "internal_port": "09001"}]}}}""");
        assertEquals("route 8082 backend b: internal_port 9001 is already used by route 8081 backend a", across);
        String within = refused(route("{\"backends\": [{\"internal_port\": \"9001\"}, {\"internal_port\": \"9001\"}]}"));
        assertEquals("route 8081 backend 2: internal_port 9001 is already used by route 8081 backend 1", within);
    }

    @Test
    void backendPointingAtTheMeshIsALoop() {
        assertEquals("route 8081 backend 1: internal_port 8081 is a public port of the mesh, which would loop",
                refused(route("{\"backends\": [{\"internal_port\": \"8081\"}]}")));
        assertEquals("route 8081 backend x: internal_port 8082 is a public port of the mesh, which would loop",
                refused("""
                        {"routes": {"8081": {"backends": [{"name": "x", "internal_port": "8082"}]},
                                    "8082": {"backends": [{"internal_port": "9002"}]}}}"""));
        assertTrue(refused(route("{\"backends\": [{\"internal_port\": \"9999\"}]}"))
                .startsWith("route 8081 backend 1: internal_port 9999 is the dashboard_port"));
        assertEquals("route 9999: port 9999 is also the dashboard_port",
                refused("{\"routes\": {\"9999\": {\"backends\": [{\"cmd\": \"internal\"}]}}}"));
        assertEquals("route 8081: port 8081 is also the dashboard_port", refused("{\"dashboard_port\": \"8081\"}"));
    }

    @Test
    void internalBackendRules() {
        assertEquals("route 8081: an internal backend cannot share a route with other backends",
                refused(route("{\"backends\": [{\"cmd\": \"internal\"}, {\"cmd\": \"go\", \"internal_port\": \"19081\"}]}")));
        assertEquals("route 8081: a route can have only one internal backend",
                refused(route("{\"backends\": [{\"cmd\": \"internal\"}, {\"cmd\": \"Internal\"}]}")));
        assertEquals("route 8081 backend h: an internal backend needs protocol http",
                refused(route("{\"protocol\": \"tcp\", \"backends\": [{\"name\": \"h\", \"cmd\": \"internal\"}]}")));
    }

    @Test
    void stdioBackendRules() {
        assertEquals("route 8081 backend 1: a stdio backend needs cmd",
                refused(route("{\"protocol\": \"stdio\", \"backends\": [{\"cmd\": \"  \"}]}")));
        assertEquals("route 8081 backend 2: a stdio backend needs cmd",
                refused(route("{\"protocol\": \"stdio\", \"backends\": [{\"cmd\": \"a\"}, {}]}")));
        assertEquals("route 8081 backend w: a stdio route cannot have an internal backend",
                refused(route("{\"protocol\": \"stdio\", \"backends\": [{\"name\": \"w\", \"cmd\": \" INTERNAL \"}]}")));
    }

    @Test
    void prewarmRules() {
        assertEquals("route 8081: prewarm needs protocol stdio with stdio_mode stream",
                refused(route("{\"prewarm\": 1, \"backends\": [{\"internal_port\": \"9001\"}]}")));
        assertEquals("route 8081: prewarm needs protocol stdio with stdio_mode stream",
                refused(route("{\"protocol\": \"stdio\", \"stdio_mode\": \"http\", \"prewarm\": 1, " + STDIO_BACKEND + "}")));
        assertEquals("route 8081: prewarm 5 is more than max_concurrency 4",
                refused(route("{\"protocol\": \"stdio\", \"max_concurrency\": 4, \"prewarm\": 5, " + STDIO_BACKEND + "}")));
        assertEquals("route 8081: prewarm 65 is more than max_concurrency 64",
                refused(route("{\"protocol\": \"stdio\", \"prewarm\": 65, " + STDIO_BACKEND + "}")));
        assertEquals("route 8081: prewarm must not be negative, not -1",
                refused(route("{\"protocol\": \"stdio\", \"prewarm\": -1, " + STDIO_BACKEND + "}")));
        ConfigNormalizeTest.parse(route("{\"protocol\": \"stdio\", \"max_concurrency\": 4, \"prewarm\": 4, " + STDIO_BACKEND + "}"));
        ConfigNormalizeTest.parse(route("{\"prewarm\": 0, \"backends\": [{\"internal_port\": \"9001\"}]}"));
    }

    @Test
    void countsAndSizesMustMakeSense() {
        String backends = ", \"backends\": [{\"internal_port\": \"9001\"}]}";
        for (String field : List.of("max_connections", "max_concurrency", "max_header_size")) {
            for (String value : List.of("0", "-1")) {
                assertEquals("route 8081: " + field + " must be at least 1, not " + value,
                        refused(route("{\"" + field + "\": " + value + backends)));
            }
        }
        assertEquals("route 8081: max_body_size must not be negative, not -1",
                refused(route("{\"max_body_size\": -1" + backends)));
        assertEquals("route 8081 backend 1: max_start_failures must be at least 1, not 0",
                refused(route("{\"backends\": [{\"internal_port\": \"9001\", \"max_start_failures\": 0}]}")));
    }

    @Test
    void durationsMustBePositive() {
        String backends = ", \"backends\": [{\"internal_port\": \"9001\"}]}";
        for (String field : List.of("request_timeout", "idle_timeout", "header_timeout", "connect_timeout",
                "response_timeout")) {
            assertEquals("route 8081: " + field + " must be more than 0, not 0s",
                    refused(route("{\"" + field + "\": \"0s\"" + backends)));
            assertEquals("route 8081: " + field + " must be more than 0, not -5s",
                    refused(route("{\"" + field + "\": \"-5s\"" + backends)));
        }
        for (String field : List.of("start_timeout", "idle_timeout")) {
            assertEquals("route 8081 backend api: " + field + " must be more than 0, not 0s",
                    refused(route("{\"backends\": [{\"name\": \"api\", \"internal_port\": \"9001\", \""
                            + field + "\": \"0\"}]}")));
        }
    }

    @Test
    void configsBuiltInCodeWithNullsAreRefusedNotThrown() {
        BackendConfig ok = new BackendConfig(null, "srv", null, null, "9001", null, null, null);
        Map<String, RouteConfig> nullRoute = new HashMap<>();
        nullRoute.put("8081", null);
        assertEquals("route 8081: the route is null", assertThrows(ConfigException.class,
                () -> config(nullRoute).normalize()).getMessage());
        Map<String, RouteConfig> nullKey = new HashMap<>();
        nullKey.put(null, routeOf(List.of(ok)));
        assertEquals("a route has a blank port", assertThrows(ConfigException.class,
                () -> config(nullKey).normalize()).getMessage());
        assertEquals("route 8081 backend 2 is null", assertThrows(ConfigException.class,
                () -> config(Map.of("8081", routeOf(Arrays.asList(ok, null)))).normalize()).getMessage());
        BackendConfig nullArg = new BackendConfig("b", "srv", Arrays.asList("a", null), null, "9001", null, null, null);
        assertEquals("route 8081 backend b: args entry 2 is null", assertThrows(ConfigException.class,
                () -> config(Map.of("8081", routeOf(List.of(nullArg)))).normalize()).getMessage());
        assertEquals("trusted_origins entry 1 is null", assertThrows(ConfigException.class,
                () -> new Config(null, null, Arrays.asList((String) null), null, null, null, null, null).normalize())
                .getMessage());
        BackendConfig tooLong = new BackendConfig("b", "srv", null, null, "9001", Duration.ofDays(200_000), null, null);
        assertTrue(assertThrows(ConfigException.class,
                () -> config(Map.of("8081", routeOf(List.of(tooLong)))).normalize()).getMessage()
                .startsWith("route 8081 backend b: start_timeout 4800000h0m0s is too long"));
    }

    private static Config config(Map<String, RouteConfig> routes) {
        return new Config(null, null, null, null, null, null, routes, null);
    }

    private static RouteConfig routeOf(List<BackendConfig> backends) {
        return new RouteConfig(null, null, null, null, backends, null, null, null, null, null, null, null, null,
                null, null);
    }
}
