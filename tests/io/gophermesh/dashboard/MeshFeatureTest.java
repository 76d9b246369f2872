package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.helidon.webserver.WebServer;

/** The dashboard mounted into another application's web server. */
@Timeout(60)
class MeshFeatureTest {
    private final FakeMesh mesh = new FakeMesh();
    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private int serve(MeshFeature feature) {
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.get("/hello", (req, res) -> res.send("from the app")).addFeature(feature))
                .build().start();
        return server.port();
    }

    @Test
    void mountedUnderAContextPath() throws IOException {
        MeshFeature feature = MeshFeature.builder(mesh).contextPath("/mesh/").allowHosts("ops.example").build();
        assertEquals("/mesh", feature.contextPath());
        int port = serve(feature);

        RawHttp.Response redirect = RawHttp.get(port, "/mesh");
        assertEquals(301, redirect.status());
        assertEquals("/mesh/", redirect.header("Location"));
        RawHttp.Response ui = RawHttp.get(port, "/mesh/");
        assertEquals(200, ui.status());
        assertTrue(ui.body().contains("<title>GopherMesh</title>"));
        assertEquals(200, RawHttp.get(port, "/mesh/app.js").status());

        RawHttp.Response status = RawHttp.get(port, "/mesh/api/status");
        assertEquals(200, status.status(), status.body());
        assertTrue(status.body().contains("\"18081\""));
        assertEquals(200, RawHttp.get(port, "/mesh/healthz").status());
        assertTrue(RawHttp.get(port, "/mesh/metrics").body().contains("gophermesh_requests_total{route=\"18081\"} 12"));
        assertEquals(404, RawHttp.get(port, "/api/status").status(), "nothing of the dashboard outside its path");

        RawHttp.Response proxied = RawHttp.send(port, "GET", "/mesh/api/status", headers("Host", "ops.example"), null);
        assertEquals(200, proxied.status(), "an allowed host name");
        RawHttp.Response rebound = RawHttp.send(port, "GET", "/mesh/api/status", headers("Host", "evil.example:" + port), null);
        assertEquals(421, rebound.status());

        RawHttp.Response cross = RawHttp.send(port, "POST", "/mesh/api/config",
                headers("Origin", "http://evil.example", "Content-Type", "application/json"), "{}");
        assertEquals(403, cross.status());
        RawHttp.Response sameOrigin = RawHttp.send(port, "POST", "/mesh/api/config",
                headers("Origin", "http://ops.example", "Host", "ops.example",
                        "Content-Type", "application/json"), "{\"1\":{\"backends\":[{}]}}");
        assertEquals(200, sameOrigin.status(), sameOrigin.body());
        assertEquals(1, mesh.reloads.size());
    }

    @Test
    void leavesTheApplicationsRoutesAlone() throws IOException {
        int port = serve(MeshFeature.builder(mesh).build());
        RawHttp.Response app = RawHttp.send(port, "GET", "/hello", headers("Host", "app.example.com"), null);
        assertEquals(200, app.status(), "no host check on the application's paths");
        assertEquals("from the app", app.body());
        assertNull(app.header("Content-Security-Policy"));
        assertNull(app.header("X-Frame-Options"));
        RawHttp.Response mounted = RawHttp.get(port, "/api/status");
        assertEquals(200, mounted.status(), "mounted at the root next to the app");
        assertEquals(200, RawHttp.get(port, "/").status());
    }

    @Test
    void tokenAndLoginLinkUnderTheContextPath() throws IOException {
        MeshFeature feature = MeshFeature.builder(mesh).contextPath("ops").token("feature-token").build();
        int port = serve(feature);
        assertTrue(feature.tokenRequired());
        assertEquals(401, RawHttp.get(port, "/ops/api/status").status());
        String link = feature.newLoginPath().orElseThrow();
        assertTrue(link.startsWith("/ops/login?token="), link);
        RawHttp.Response login = RawHttp.get(port, link);
        assertEquals(303, login.status());
        assertEquals("/ops/", login.header("Location"));
        String setCookie = login.header("Set-Cookie");
        assertTrue(setCookie.contains("Path=/ops"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertEquals(200, RawHttp.send(port, "GET", "/ops/api/status", headers("Cookie", cookie), null).status());
        assertFalse(MeshFeature.builder(mesh).build().newLoginPath().isPresent());
    }
}
