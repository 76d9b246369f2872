package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules that keep web pages from steering a loopback dashboard. */
@Timeout(60)
class DashboardSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeMesh mesh;
    private Dashboard dashboard;
    private int port;
    private String routes;

    @BeforeEach
    void start() throws IOException {
        mesh = new FakeMesh();
        dashboard = Dashboard.builder().mesh(mesh).host("127.0.0.1").port(0).build().start();
        port = dashboard.port();
        routes = JSON.writeValueAsString(mesh.routes()).replace("Web API", "Changed");
    }

    @AfterEach
    void stop() {
        dashboard.close();
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void assertError(RawHttp.Response res, int status, String fragment) throws IOException {
        assertEquals(status, res.status(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals(status, body.path("code").asInt(), res.body());
        assertTrue(body.path("error").asText().contains(fragment), res.body());
    }

    @Test
    void foreignHostIsRefused() throws IOException {
        for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1:" + (port == 1 ? 2 : 1),
                "localhost.evil.example:" + port, "[::1]:" + (port + 1))) {
            RawHttp.Response res = RawHttp.send(port, "GET", "/api/status", headers("Host", host), null);
            assertError(res, 421, "is not an address of this dashboard");
        }
        RawHttp.Response ui = RawHttp.send(port, "GET", "/", headers("Host", "rebind.evil.example:" + port), null);
        assertEquals(421, ui.status(), "the UI itself is not served to a rebound name");
    }

    @Test
    void ownNamesAreAccepted() throws IOException {
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
            RawHttp.Response res = RawHttp.send(port, "GET", "/api/status", headers("Host", host), null);
            assertEquals(200, res.status(), host + ": " + res.body());
        }
        RawHttp.Response health = RawHttp.send(port, "GET", "/healthz", headers("Host", "probe.internal"), null);
        assertEquals(200, health.status(), "health answers any name");
    }

    @Test
    void reboundPostChangesNothing() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "POST", "/api/config",
                headers("Host", "evil.example:" + port, "Content-Type", "application/json"), routes);
        assertEquals(421, res.status());
        assertTrue(mesh.reloads.isEmpty());
    }

    @Test
    void crossOriginPostIsRefused() throws IOException {
        for (String origin : List.of("http://evil.example", "http://evil.example:" + port, "null",
                "http://127.0.0.1:" + (port + 1), "file://")) {
            RawHttp.Response res = RawHttp.send(port, "POST", "/api/config",
                    headers("Origin", origin, "Content-Type", "application/json"), routes);
            assertError(res, 403, "cross-origin request refused");
        }
        assertTrue(mesh.reloads.isEmpty());
        assertEquals("Web API", mesh.routes().path("18081").path("name").asText());
    }

    @Test
    void crossOriginKillIsRefused() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "DELETE", "/api/process/18081:0",
                headers("Origin", "https://evil.example"), null);
        assertError(res, 403, "cross-origin");
        assertTrue(mesh.kills.isEmpty());
    }

    @Test
    void crossSiteFetchMetadataIsRefused() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "POST", "/api/config",
                headers("Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"), routes);
        assertError(res, 403, "cross-site");
        assertTrue(mesh.reloads.isEmpty());
    }

    @Test
    void sameOriginPostIsAccepted() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "POST", "/api/config",
                headers("Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin",
                        "Content-Type", "application/json"), routes);
        assertEquals(200, res.status(), res.body());
        assertEquals("Changed", mesh.routes().path("18081").path("name").asText());
        RawHttp.Response kill = RawHttp.send(port, "DELETE", "/api/process/18081:0",
                headers("Origin", "http://localhost:" + port), null);
        assertEquals(200, kill.status(), kill.body());
    }

    @Test
    void formAndTextPostsChangeNothing() throws IOException {
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "text/plain", "text/plain;charset=UTF-8", "application/jsonp")) {
            RawHttp.Response res = RawHttp.send(port, "POST", "/api/config", headers("Content-Type", type), routes);
            assertError(res, 415, "application/json");
        }
        RawHttp.Response none = RawHttp.send(port, "POST", "/api/config", headers(), routes);
        assertError(none, 415, "application/json");
        RawHttp.Response killForm = RawHttp.send(port, "DELETE", "/api/process/18081:0",
                headers("Content-Type", "text/plain"), "x");
        assertEquals(415, killForm.status());
        assertTrue(mesh.reloads.isEmpty());
        assertTrue(mesh.kills.isEmpty());
    }

    @Test
    void foreignPreflightIsRefused() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "OPTIONS", "/api/config",
                headers("Origin", "http://evil.example", "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", "content-type"), null);
        assertEquals(403, res.status());
        assertNull(res.header("Access-Control-Allow-Origin"));
        assertNull(res.header("Access-Control-Allow-Methods"));
        RawHttp.Response own = RawHttp.send(port, "OPTIONS", "/api/config", headers(), null);
        assertEquals(204, own.status());
        assertNull(own.header("Access-Control-Allow-Origin"));
    }

    @Test
    void scriptsWithoutOriginKeepWorking() throws IOException {
        RawHttp.Response res = RawHttp.send(port, "POST", "/api/config", headers("Content-Type", "application/json"), routes);
        assertEquals(200, res.status(), res.body());
        assertEquals(List.of(routes), mesh.reloads);
    }
}
