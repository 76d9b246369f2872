package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Token mode: a dashboard on a non-loopback address, or one with a configured token. */
@Timeout(60)
class DashboardTokenTest {
    @TempDir
    Path dir;

    private final FakeMesh mesh = new FakeMesh();
    private Dashboard dashboard;

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // Bound to every interface, so token mode; reached over loopback, whose name it accepts.
    private Dashboard wildcard() throws IOException {
        Files.writeString(dir.resolve("mesh.json"), "{}");
        dashboard = Dashboard.builder().mesh(mesh).host("0.0.0.0").port(0).configPath(dir.resolve("mesh.json"))
                .build().start();
        return dashboard;
    }

    private String token() throws IOException {
        return Files.readString(dir.resolve("mesh.json.token"), StandardCharsets.UTF_8).trim();
    }

    @Test
    void generatedTokenIsWrittenOwnerOnly() throws IOException {
        wildcard();
        assertTrue(dashboard.tokenRequired());
        Path file = dir.resolve("mesh.json.token");
        assertEquals(file.toAbsolutePath(), dashboard.tokenFile().orElseThrow());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(token().matches("[A-Za-z0-9_-]{43}"), "32 random bytes, base64url: " + token());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("mesh.json", "mesh.json.token"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp file left");
        }
    }

    @Test
    void restartWritesANewToken() throws IOException {
        wildcard();
        String first = token();
        dashboard.close();
        wildcard();
        assertNotEquals(first, token());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("mesh.json.token"))));
    }

    @Test
    void apiNeedsTheToken() throws IOException {
        int port = wildcard().port();
        RawHttp.Response none = RawHttp.send(port, "GET", "/api/status", headers(), null);
        assertEquals(401, none.status());
        assertTrue(none.body().contains("\"code\":401"), none.body());
        assertEquals("Bearer realm=\"gophermesh\"", none.header("WWW-Authenticate"));
        assertEquals(401, RawHttp.send(port, "GET", "/metrics", headers(), null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/api/events", headers(), null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/api/status",
                headers("Authorization", "Bearer " + token() + "x"), null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/api/status",
                headers("Authorization", "Basic " + token()), null).status());
        RawHttp.Response ok = RawHttp.send(port, "GET", "/api/status",
                headers("Authorization", "Bearer " + token()), null);
        assertEquals(200, ok.status(), ok.body());

        RawHttp.Response post = RawHttp.send(port, "POST", "/api/config",
                headers("Content-Type", "application/json"), "{}");
        assertEquals(401, post.status());
        assertTrue(mesh.reloads.isEmpty());

        assertEquals(200, RawHttp.send(port, "GET", "/", headers(), null).status(), "the UI loads to show sign-in");
        assertEquals(200, RawHttp.send(port, "GET", "/healthz", headers(), null).status());
    }

    @Test
    void loginLinkSetsSessionCookieOnce() throws IOException {
        int port = wildcard().port();
        URI link = URI.create(dashboard.loginUrl().orElseThrow());
        assertEquals(port, link.getPort());
        assertEquals("/login", link.getPath());
        String pathAndQuery = link.getRawPath() + "?" + link.getRawQuery();
        assertFalse(pathAndQuery.contains(token()), "the link carries a one-time code, not the token");

        RawHttp.Response first = RawHttp.send(port, "GET", pathAndQuery, headers(), null);
        assertEquals(303, first.status(), first.body());
        assertEquals("/", first.header("Location"));
        String setCookie = first.header("Set-Cookie");
        assertTrue(setCookie.startsWith(Guard.SESSION_COOKIE + "="), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertFalse(cookie.contains(token()), "the cookie holds a session secret, not the token");

        RawHttp.Response withCookie = RawHttp.send(port, "GET", "/api/status", headers("Cookie", cookie), null);
        assertEquals(200, withCookie.status(), withCookie.body());
        RawHttp.Response change = RawHttp.send(port, "POST", "/api/config",
                headers("Cookie", cookie, "Content-Type", "application/json", "Origin", "http://127.0.0.1:" + port),
                "{\"18081\":{\"backends\":[{\"cmd\":\"\"}]}}");
        assertEquals(200, change.status(), change.body());

        RawHttp.Response again = RawHttp.send(port, "GET", pathAndQuery, headers(), null);
        assertEquals(401, again.status(), "a login link works once");
        assertNull(again.header("Set-Cookie"));
        assertEquals(401, RawHttp.send(port, "GET", "/api/status",
                headers("Cookie", Guard.SESSION_COOKIE + "=forged"), null).status());
    }

    @Test
    void signInFormTradesTheTokenForASession() throws IOException {
        int port = wildcard().port();
        RawHttp.Response wrong = RawHttp.send(port, "POST", "/login",
                headers("Content-Type", "application/json"), "{\"token\":\"guess\"}");
        assertEquals(401, wrong.status());
        assertNull(wrong.header("Set-Cookie"));
        RawHttp.Response form = RawHttp.send(port, "POST", "/login",
                headers("Content-Type", "application/x-www-form-urlencoded"), "token=" + token());
        assertEquals(415, form.status());
        RawHttp.Response cross = RawHttp.send(port, "POST", "/login",
                headers("Content-Type", "application/json", "Origin", "http://evil.example"), "{\"token\":\"" + token() + "\"}");
        assertEquals(403, cross.status());
        RawHttp.Response ok = RawHttp.send(port, "POST", "/login",
                headers("Content-Type", "application/json"), "{\"token\":\"" + token() + "\"}");
        assertEquals(200, ok.status(), ok.body());
        String cookie = ok.header("Set-Cookie").substring(0, ok.header("Set-Cookie").indexOf(';'));
        assertEquals(200, RawHttp.send(port, "GET", "/api/status", headers("Cookie", cookie), null).status());
    }

    @Test
    void configuredTokenIsRequiredEvenOnLoopback() throws IOException {
        dashboard = Dashboard.builder().mesh(mesh).host("127.0.0.1").port(0).token("s3cret-Token")
                .configPath(dir.resolve("mesh.json")).build().start();
        int port = dashboard.port();
        assertTrue(dashboard.tokenRequired());
        assertTrue(dashboard.tokenFile().isEmpty(), "a configured token is not written anywhere");
        assertFalse(Files.exists(dir.resolve("mesh.json.token")));
        assertEquals(401, RawHttp.send(port, "GET", "/api/status", headers(), null).status());
        assertEquals(200, RawHttp.send(port, "GET", "/api/status",
                headers("Authorization", "Bearer s3cret-Token"), null).status());
        assertTrue(dashboard.loginUrl().orElseThrow().startsWith("http://127.0.0.1:" + port + "/login?token="));
    }

    @Test
    void hostCheckStillAppliesInTokenMode() throws IOException {
        int port = wildcard().port();
        RawHttp.Response res = RawHttp.send(port, "GET", "/api/status",
                headers("Host", "evil.example:" + port, "Authorization", "Bearer " + token()), null);
        assertEquals(421, res.status());
    }
}
