package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.engine.HealthzOptions;
import io.gophermesh.testing.Ports;

/** Every endpoint of a loopback dashboard: status codes, shapes, headers. */
@Timeout(60)
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeMesh mesh;
    private Dashboard dashboard;
    private HttpClient http;
    private String base;

    @BeforeEach
    void start() throws IOException {
        mesh = new FakeMesh();
        dashboard = Dashboard.builder().mesh(mesh).host("127.0.0.1").port(0)
                .healthz(new HealthzOptions("9.9.9", Map.of("region", "test"))).build().start();
        base = "http://127.0.0.1:" + dashboard.port();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        int port = dashboard.port();
        dashboard.close();
        http.close();
        assertFalse(Ports.accepting(port), "dashboard port still open after close");
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> res) throws IOException {
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElse(""), res.body());
        return JSON.readTree(res.body());
    }

    @Test
    void statusHasGoShapeWithOmissions() throws Exception {
        HttpResponse<String> res = send("GET", "/api/status", null);
        assertEquals(200, res.statusCode());
        JsonNode body = json(res);
        assertEquals(200, body.path("code").asInt());
        assertEquals(List.of("18081", "18082"), iterable(body.path("data").fieldNames()));
        JsonNode web = body.path("data").path("18081");
        assertEquals("Web API", web.path("name").asText());
        assertEquals("http", web.path("protocol").asText());
        assertEquals("round_robin", web.path("loadBalance").asText());
        assertFalse(web.has("stdioMode"), "empty stdioMode is omitted as in Go");
        JsonNode a = web.path("backends").get(0);
        assertEquals(List.of("ref", "name", "internalHost", "internalPort", "status", "pid", "uptime", "inFlight", "served"),
                iterable(a.fieldNames()));
        assertEquals("18081:0", a.path("ref").asText());
        assertEquals(4242, a.path("pid").asLong());
        assertEquals("1m5s", a.path("uptime").asText());
        assertEquals(1, a.path("inFlight").asInt());
        assertEquals(12, a.path("served").asLong());
        JsonNode b = web.path("backends").get(1);
        assertEquals("Dormant", b.path("status").asText());
        assertFalse(b.has("pid"), "pid 0 is omitted");
        assertFalse(b.has("uptime"), "empty uptime is omitted");
        JsonNode echo = body.path("data").path("18082");
        assertEquals("stream", echo.path("stdioMode").asText());
        assertEquals("Request-Driven", echo.path("backends").get(0).path("status").asText());
        assertEquals("", echo.path("backends").get(0).path("internalPort").asText());
    }

    @Test
    void logsByRefPlainOrEncoded() throws Exception {
        for (String ref : List.of("18081:0", "18081%3A0")) {
            HttpResponse<String> res = send("GET", "/api/logs/" + ref, null);
            assertEquals(200, res.statusCode(), res.body());
            JsonNode body = json(res);
            assertEquals(200, body.path("code").asInt());
            assertEquals("18081:0", body.path("ref").asText());
            assertEquals("api-a listening on 9081", body.path("data").get(0).asText());
            assertEquals(2, body.path("data").size());
        }
        HttpResponse<String> unknown = send("GET", "/api/logs/19999:0", null);
        assertEquals(404, unknown.statusCode());
        JsonNode err = json(unknown);
        assertEquals(404, err.path("code").asInt());
        assertTrue(err.path("error").asText().contains("19999:0"), err.toString());
    }

    @Test
    void killManagedStdioAndUnknown() throws Exception {
        HttpResponse<String> ok = send("DELETE", "/api/process/18081:0", null);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("Process killed successfully", json(ok).path("msg").asText());
        assertEquals(List.of("18081:0"), mesh.kills);

        HttpResponse<String> stdio = send("DELETE", "/api/process/18082:0", null);
        assertEquals(500, stdio.statusCode());
        JsonNode err = json(stdio);
        assertEquals(500, err.path("code").asInt());
        assertEquals("backend 18082:0 is request-driven and has no persistent process to kill", err.path("error").asText());

        HttpResponse<String> unknown = send("DELETE", "/api/process/18081:7", null);
        assertEquals(404, unknown.statusCode());
        assertEquals(404, json(unknown).path("code").asInt());
        assertEquals(List.of("18081:0"), mesh.kills);
    }

    @Test
    void configGetHasRoutesAndEtag() throws Exception {
        HttpResponse<String> res = send("GET", "/api/config", null);
        assertEquals(200, res.statusCode());
        assertEquals("\"v1\"", res.headers().firstValue("ETag").orElse(""));
        JsonNode body = json(res);
        assertEquals(mesh.routes(), body, "GET /api/config is the routes object alone");
        assertEquals("Web API", body.path("18081").path("name").asText());
    }

    @Test
    void configPostReloadsAndReportsErrors() throws Exception {
        String routes = JSON.writeValueAsString(mesh.routes()).replace("\"round_robin\"", "\"least_conn\"");
        HttpResponse<String> ok = send("POST", "/api/config", routes, "Content-Type", "application/json", "If-Match", "\"v1\"");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("Config reloaded successfully", json(ok).path("msg").asText());
        assertEquals("\"v2\"", ok.headers().firstValue("ETag").orElse(""));
        assertEquals(1, mesh.reloads.size());
        assertEquals("least_conn", mesh.routes().path("18081").path("load_balance").asText());

        HttpResponse<String> bad = send("POST", "/api/config", "{\"18081\":{\"backends\":[]}}",
                "Content-Type", "application/json; charset=utf-8");
        assertEquals(400, bad.statusCode());
        JsonNode err = json(bad);
        assertEquals(400, err.path("code").asInt());
        assertEquals("route 18081: at least one backend is required", err.path("error").asText());

        HttpResponse<String> notJson = send("POST", "/api/config", "{nope", "Content-Type", "application/json");
        assertEquals(400, notJson.statusCode());
        assertTrue(json(notJson).path("error").asText().startsWith("routes are not valid JSON"));
        assertEquals(1, mesh.reloads.size());
    }

    @Test
    void staleIfMatchIs412AndChangesNothing() throws Exception {
        String routes = JSON.writeValueAsString(mesh.routes());
        assertEquals(200, send("POST", "/api/config", routes, "Content-Type", "application/json").statusCode());
        assertEquals("v2", mesh.configVersion());

        HttpResponse<String> stale = send("POST", "/api/config", routes.replace("Web API", "Changed"),
                "Content-Type", "application/json", "If-Match", "\"v1\"");
        assertEquals(412, stale.statusCode());
        JsonNode err = json(stale);
        assertEquals(412, err.path("code").asInt());
        assertTrue(err.path("error").asText().contains("config changed"), err.toString());
        assertEquals(1, mesh.reloads.size());
        assertEquals("Web API", mesh.routes().path("18081").path("name").asText());

        HttpResponse<String> any = send("POST", "/api/config", routes, "Content-Type", "application/json", "If-Match", "*");
        assertEquals(200, any.statusCode());
        HttpResponse<String> weak = send("POST", "/api/config", routes, "Content-Type", "application/json", "If-Match", "W/\"v3\"");
        assertEquals(200, weak.statusCode(), weak.body());
    }

    @Test
    void oversizedConfigIs413() throws Exception {
        String big = "{\"x\":\"" + "a".repeat(Api.MAX_CONFIG_BYTES) + "\"}";
        HttpResponse<String> res = send("POST", "/api/config", big, "Content-Type", "application/json");
        assertEquals(413, res.statusCode());
        assertTrue(mesh.reloads.isEmpty());
    }

    @Test
    void wrongMethodIs405AndUnknownIs404() throws Exception {
        for (String[] c : new String[][] {{"POST", "/api/status"}, {"GET", "/api/process/18081:0"},
                {"PUT", "/api/config"}, {"DELETE", "/api/logs/18081:0"}, {"POST", "/metrics"}, {"DELETE", "/api/metrics"}}) {
            HttpResponse<String> res = send(c[0], c[1], c[0].equals("GET") || c[0].equals("DELETE") ? null : "{}",
                    "Content-Type", "application/json");
            assertEquals(405, res.statusCode(), c[0] + " " + c[1] + ": " + res.body());
            JsonNode err = json(res);
            assertEquals(405, err.path("code").asInt());
            assertTrue(err.path("error").asText().contains("not allowed"), err.toString());
            assertTrue(res.headers().firstValue("Allow").isPresent());
        }
        HttpResponse<String> missing = send("GET", "/api/nothing", null);
        assertEquals(404, missing.statusCode());
        assertEquals(404, json(missing).path("code").asInt());
    }

    @Test
    void metricsAsJson() throws Exception {
        HttpResponse<String> res = send("GET", "/api/metrics", null);
        assertEquals(200, res.statusCode());
        JsonNode m = json(res).path("data").path("18081");
        assertEquals(12, m.path("requests").asLong());
        assertEquals(1, m.path("errors").asLong());
        assertEquals(1, m.path("inFlight").asLong());
        assertEquals(2048, m.path("bytesIn").asLong());
        assertEquals(4096, m.path("bytesOut").asLong());
        assertEquals(1.024, m.path("p50").asDouble());
        assertEquals(4.096, m.path("p99").asDouble());
    }

    @Test
    void metricsInPrometheusFormat() throws Exception {
        HttpResponse<String> res = send("GET", "/metrics", null);
        assertEquals(200, res.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", res.headers().firstValue("Content-Type").orElse(""));
        List<String> lines = res.body().lines().toList();
        assertTrue(lines.contains("# HELP gophermesh_requests_total Exchanges started on the route."), res.body());
        assertTrue(lines.contains("# TYPE gophermesh_requests_total counter"));
        assertTrue(lines.contains("gophermesh_requests_total{route=\"18081\"} 12"));
        assertTrue(lines.contains("gophermesh_requests_total{route=\"18082\"} 0"));
        assertTrue(lines.contains("gophermesh_errors_total{route=\"18081\"} 1"));
        assertTrue(lines.contains("# TYPE gophermesh_in_flight gauge"));
        assertTrue(lines.contains("gophermesh_bytes_out_total{route=\"18081\"} 4096"));
        assertTrue(lines.contains("gophermesh_latency_p99_seconds{route=\"18081\"} 0.004096"));
        assertTrue(lines.contains("gophermesh_backend_served_total{route=\"18081\",backend=\"api-a\"} 12"));
        assertTrue(lines.contains("gophermesh_backend_running{route=\"18081\",backend=\"api-b\"} 0"));
        for (String line : lines) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                    || line.matches("[a-z_0-9]+\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\} -?[0-9.]+"), "bad line: " + line);
        }
    }

    @Test
    void healthzAnswersCanonicalPayload() throws Exception {
        HttpResponse<String> res = send("GET", "/healthz", null);
        assertEquals(200, res.statusCode());
        JsonNode body = json(res);
        assertTrue(body.path("ok").asBoolean());
        assertEquals("running", body.path("mesh").asText());
        assertEquals("9.9.9", body.path("version").asText());
        assertEquals("test", body.path("region").asText());
    }

    @Test
    void uiFilesServedWithSecurityHeaders() throws Exception {
        HttpResponse<String> index = send("GET", "/", null);
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElse(""));
        assertTrue(index.body().contains("<title>GopherMesh</title>"));
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals("DENY", index.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(200, send("GET", "/index.html", null).statusCode());
        HttpResponse<String> js = send("GET", "/app.js", null);
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(""));
        assertTrue(js.body().contains("EventSource"));
        assertEquals("text/css; charset=utf-8", send("GET", "/app.css", null).headers().firstValue("Content-Type").orElse(""));
        assertEquals("image/svg+xml", send("GET", "/favicon.svg", null).headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, send("GET", "/etc/passwd", null).statusCode());
        assertEquals(404, send("GET", "/dashboard-static/app.js", null).statusCode());
    }

    @Test
    void apiAnswersCarryNoCorsGrantAndNoCaching() throws Exception {
        HttpResponse<String> res = send("GET", "/api/status", null, "Origin", "http://evil.example");
        assertEquals(200, res.statusCode(), "reads are harmless: without a CORS grant the page cannot see them");
        assertNull(res.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("DENY", res.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("no-referrer", res.headers().firstValue("Referrer-Policy").orElse(""));
        assertTrue(res.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
    }

    @Test
    void loopbackNeedsNoToken() {
        assertFalse(dashboard.tokenRequired());
        assertTrue(dashboard.loginUrl().isEmpty());
        assertTrue(dashboard.tokenFile().isEmpty());
        assertEquals("http://127.0.0.1:" + dashboard.port() + "/", dashboard.url());
    }

    @Test
    void takenPortIsBindException() {
        Dashboard second = Dashboard.builder().mesh(mesh).host("127.0.0.1").port(dashboard.port()).build();
        BindException e = assertThrows(BindException.class, second::start);
        assertTrue(e.getMessage().contains("127.0.0.1:" + dashboard.port()), e.getMessage());
        assertNotEquals(0, dashboard.port());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
