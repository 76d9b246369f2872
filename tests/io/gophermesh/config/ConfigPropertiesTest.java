package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

/**
 * Whatever JSON arrives, the config either loads with every invariant holding or is refused with a
 * one-line ConfigException; nothing else escapes.
 */
class ConfigPropertiesTest {
    private static final List<String> KEYS = List.of("dashboard_host", "dashboard_port", "trusted_origins",
            "service_name", "internal_port", "dashboard_token", "routes", "endpoints", "name", "protocol",
            "stdio_mode", "load_balance", "backends", "max_connections", "max_concurrency", "prewarm",
            "request_timeout", "max_header_size", "max_body_size", "idle_timeout", "header_timeout",
            "connect_timeout", "response_timeout", "cmd", "args", "internal_host", "start_timeout",
            "max_start_failures", "8081", "9999", " 8082 ", "0", "65536", "x", "");
    private static final List<String> WORDS = List.of("8081", "8082", "9001", "9999", "09001", "0", "65536", "-1",
            "internal", " INTERNAL ", "http", "tcp", "stdio", "TCP", "stream", "auto", "cgi", "round_robin",
            "least_conn", "ip_hash", "30s", "1h30m", "0s", "-5s", "1.5", "", " ", "*", "srv", "\u00b5s", "1e3");

    // ---- random JSON trees -------------------------------------------------------------------

    @Provide
    Arbitrary<String> jsonTrees() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, object(3)),
                Tuple.of(1, value(2)),
                Tuple.of(1, object(3).map(o -> o + " " + "{}")));
    }

    private Arbitrary<String> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalar()),
                Tuple.of(1, value(depth - 1).list().ofMaxSize(3).map(l -> "[" + String.join(", ", l) + "]")),
                Tuple.of(3, object(depth - 1)));
    }

    private Arbitrary<String> object(int depth) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(KEYS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(4)));
        Arbitrary<String> entry = Combinators.combine(key, Arbitraries.lazy(() -> value(depth)))
                .as((k, v) -> quote(k) + ": " + v);
        return entry.list().ofMaxSize(4).map(l -> "{" + String.join(", ", l) + "}");
    }

    private Arbitrary<String> scalar() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("null", "true", "false", "1.5", "-0", "1e400", "99999999999999999999")),
                Tuple.of(2, Arbitraries.integers().between(-2, 70_000).map(String::valueOf)),
                Tuple.of(5, Arbitraries.of(WORDS).map(ConfigPropertiesTest::quote)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(6).map(ConfigPropertiesTest::quote)));
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.FIRST)
    void anyJsonTreeLoadsValidOrIsRefused(@ForAll("jsonTrees") String json) {
        check(json);
        // The same text as a routes object, as the dashboard posts it.
        try {
            invariants(Config.defaults().withRoutesJson(json));
        } catch (ConfigException e) {
            assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), e.getMessage());
        }
    }

    // ---- mutated valid configs ---------------------------------------------------------------

    @Provide
    Arbitrary<String> configs() {
        Arbitrary<String> backend = Combinators.combine(
                Arbitraries.of("", "\"name\": \"b\", ", "\"name\": \" \", "),
                Arbitraries.of("\"cmd\": \"srv\"", "\"cmd\": \"\"", "\"cmd\": \"internal\"", "\"cmd\": \" Internal \""),
                Arbitraries.of("", ", \"internal_port\": \"9001\"", ", \"internal_port\": \"9002\"",
                        ", \"internal_port\": \"8081\"", ", \"internal_port\": \"9999\"", ", \"internal_port\": \"x\""),
                Arbitraries.of("", ", \"args\": [\"-v\", \" a b \"]", ", \"start_timeout\": \"1m\"",
                        ", \"max_start_failures\": 2", ", \"idle_timeout\": \"0s\""))
                .as((n, c, p, x) -> "{" + n + c + p + x + "}");
        Arbitrary<String> route = Combinators.combine(
                Arbitraries.of("", "\"name\": \"r\", ", "\"name\": \"\", "),
                Arbitraries.of("", "\"protocol\": \"tcp\", ", "\"protocol\": \"stdio\", ", "\"protocol\": \"HTTP\", ",
                        "\"protocol\": \"udp\", "),
                Arbitraries.of("", "\"stdio_mode\": \"http\", ", "\"stdio_mode\": \"cgi\", ", "\"prewarm\": 2, ",
                        "\"max_concurrency\": 1, ", "\"idle_timeout\": \"5m\", ", "\"max_body_size\": 0, "),
                backend.list().ofMinSize(0).ofMaxSize(3))
                .as((n, p, x, bs) -> "{" + n + p + x + "\"backends\": [" + String.join(", ", bs) + "]}");
        Arbitrary<String> entry = Combinators.combine(
                Arbitraries.of("8081", "8082", "18081", " 8083", "08081", "9001", "9999", "0"), route)
                .as((port, r) -> quote(port) + ": " + r);
        Arbitrary<String> top = Arbitraries.of("", "\"dashboard_port\": \"19999\", ", "\"dashboard_host\": \"0.0.0.0\", ",
                "\"trusted_origins\": [\"https://x\"], ", "\"dashboard_token\": \"t\", ", "\"service_name\": \"s\", ");
        return Combinators.combine(top, entry.list().ofMaxSize(4))
                .as((t, routes) -> "{" + t + "\"routes\": {" + String.join(", ", routes) + "}}");
    }

    @Provide
    Arbitrary<String> mutatedConfigs() {
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "0", "-", " ", "\\", "null", "\"x\": 1"))
                .as(Edit::new);
        return Combinators.combine(configs(), edit.list().ofMinSize(1).ofMaxSize(3))
                .as((json, edits) -> {
                    String s = json;
                    for (Edit e : edits) {
                        s = e.apply(s);
                    }
                    return s;
                });
    }

    private record Edit(int kind, double at, double to, String text) {
        String apply(String s) {
            int i = (int) (at * s.length());
            int j = Math.min(s.length(), i + 1 + (int) (to * 12));
            return switch (kind) {
                case 0 -> s.substring(0, i) + s.substring(j);
                case 1 -> s.substring(0, i) + text + s.substring(i);
                case 2 -> s.substring(0, i) + text + s.substring(j);
                case 3 -> s.substring(0, j) + s.substring(i, j) + s.substring(j);
                default -> s.substring(0, i);
            };
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.FIRST)
    void generatedConfigsLoadValidOrAreRefused(@ForAll("configs") String json) {
        check(json);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.FIRST)
    void mutatedConfigsLoadValidOrAreRefused(@ForAll("mutatedConfigs") String json) {
        check(json);
    }

    // ---- the invariants ----------------------------------------------------------------------

    private static void check(String json) {
        Config c;
        try {
            c = Config.parse(json);
        } catch (ConfigException e) {
            Statistics.collect("refused");
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        Statistics.collect("loaded");
        invariants(c);
        try {
            assertEquals(c, Config.parse(c.toJson()), "round trip");
            assertEquals(c, c.withRoutesJson(c.routesJson()), "routes round trip");
            assertEquals(c, c.normalize(), "normalize is idempotent");
        } catch (ConfigException e) {
            throw new AssertionError("a normalised config was refused: " + e.getMessage() + "\n" + c.toJson(), e);
        }
    }

    static void invariants(Config c) {
        assertNull(c.configPath());
        assertFalse(c.dashboardHost().isBlank());
        assertEquals(c.dashboardHost().strip(), c.dashboardHost());
        int dashboard = canonicalPort(c.dashboardPort());
        assertFalse(c.trustedOrigins().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> c.trustedOrigins().add("x"));
        assertTrue(c.dashboardToken() == null || !c.dashboardToken().isBlank());
        assertFalse(c.routes().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> c.routes().clear());
        List<Integer> ports = new ArrayList<>();
        for (String key : c.routes().keySet()) {
            ports.add(canonicalPort(key));
        }
        assertEquals(ports.stream().sorted().toList(), ports, "sorted by port number");
        assertFalse(ports.contains(dashboard));
        Set<String> internalPorts = new HashSet<>();
        c.routes().forEach((port, r) -> {
            assertFalse(r.name().isBlank());
            assertNotNull(r.protocol());
            assertNotNull(r.loadBalance());
            assertEquals(r.protocol() == Protocol.STDIO, r.stdioMode() != null);
            assertFalse(r.backends().isEmpty());
            assertThrows(UnsupportedOperationException.class, () -> r.backends().clear());
            if (r.effectivePrewarm() > 0) {
                assertEquals(StdioMode.STREAM, r.stdioMode());
                assertTrue(r.effectivePrewarm() <= r.effectiveMaxConcurrency());
            }
            assertTrue(r.effectiveMaxConnections() > 0 && r.effectiveMaxConcurrency() > 0);
            long internal = r.backends().stream().filter(BackendConfig::isInternal).count();
            assertTrue(internal == 0 || (r.backends().size() == 1 && r.protocol() == Protocol.HTTP));
            for (BackendConfig b : r.backends()) {
                assertFalse(b.name().isBlank());
                assertEquals(b.cmd().strip(), b.cmd());
                assertNotNull(b.args());
                assertTrue(b.effectiveMaxStartFailures() > 0);
                assertTrue(b.effectiveStartTimeout().isPositive());
                if (r.protocol() == Protocol.STDIO) {
                    assertTrue(b.isManaged());
                    assertEquals("", b.internalHost());
                    assertEquals("", b.internalPort());
                } else {
                    assertFalse(b.internalHost().isBlank());
                    int p = canonicalPort(b.internalPort());
                    if (!b.isInternal()) {
                        assertTrue(internalPorts.add(b.internalPort()), "internal port used twice");
                        assertFalse(ports.contains(p), "loop to a public port");
                        assertTrue(p != dashboard, "loop to the dashboard");
                    }
                }
            }
        });
    }

    private static int canonicalPort(String port) {
        int n = Integer.parseInt(port);
        assertEquals(Integer.toString(n), port);
        assertTrue(n >= 1 && n <= 65_535, port);
        return n;
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
