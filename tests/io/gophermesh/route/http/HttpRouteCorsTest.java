package io.gophermesh.route.http;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteCorsTest {
    private TestBackend backend;
    private HttpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        if (backend != null) {
            backend.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private int start(List<String> origins) throws IOException {
        backend = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 200, "ok", "Access-Control-Allow-Origin: https://backend.example",
                    "Vary: Accept-Encoding");
            return true;
        });
        Routes.Spec spec = Routes.spec().backend("a", backend.port());
        spec.origins = origins;
        route = spec.start();
        return route.port();
    }

    @Test
    void refusesAnUntrustedOriginBeforeAnyBackend() throws Exception {
        int port = start(List.of("https://app.example"));

        RawHttp.Response r = RawHttp.get(port, "/", "Origin: https://evil.example");

        assertEquals(403, r.status());
        assertEquals("Forbidden origin", r.text().strip());
        assertNull(r.header("Access-Control-Allow-Origin"));
        assertEquals(0, backend.requests().size());
    }

    @Test
    void allowsATrustedOriginIgnoringCaseAndTrailingSlash() throws Exception {
        int port = start(List.of("https://App.Example/"));

        RawHttp.Response r = RawHttp.get(port, "/", "Origin: https://app.example");

        assertEquals(200, r.status());
        assertEquals("https://app.example", r.header("Access-Control-Allow-Origin"));
        assertEquals(1, r.all("Access-Control-Allow-Origin").size());
        assertTrue(r.all("Vary").contains("Origin"), r.all("Vary").toString());
        assertTrue(r.all("Vary").contains("Accept-Encoding"), r.all("Vary").toString());
        assertEquals("https://app.example", backend.requests().poll().header("Origin"));
    }

    @Test
    void wildcardAllowsEveryOrigin() throws Exception {
        int port = start(List.of("https://app.example", "*"));

        RawHttp.Response r = RawHttp.get(port, "/", "Origin: https://anything.example");

        assertEquals(200, r.status());
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
    }

    @Test
    void answersPreflightWithoutTheBackend() throws Exception {
        int port = start(List.of("https://app.example"));

        RawHttp.Response r = RawHttp.exchange(port, "OPTIONS /api HTTP/1.1\r\nHost: h\r\n"
                + "Origin: https://app.example\r\nAccess-Control-Request-Method: PUT\r\n"
                + "Access-Control-Request-Headers: X-Token, Content-Type\r\nConnection: close\r\n\r\n");

        assertEquals(204, r.status());
        assertEquals("https://app.example", r.header("Access-Control-Allow-Origin"));
        assertTrue(r.header("Access-Control-Allow-Methods").contains("PUT"));
        assertEquals("X-Token, Content-Type", r.header("Access-Control-Allow-Headers"));
        assertEquals("86400", r.header("Access-Control-Max-Age"));
        assertEquals(0, backend.requests().size());
    }

    @Test
    void requestsWithoutOriginAndPlainOptionsPassThrough() throws Exception {
        int port = start(List.of("https://app.example"));

        RawHttp.Response plain = RawHttp.get(port, "/");
        assertEquals(200, plain.status());
        assertEquals("https://backend.example", plain.header("Access-Control-Allow-Origin"));

        RawHttp.Response options = RawHttp.exchange(port, "OPTIONS /api HTTP/1.1\r\nHost: h\r\n"
                + "Origin: https://app.example\r\nConnection: close\r\n\r\n");
        assertEquals(200, options.status());
        assertEquals(2, backend.requests().size());
    }

    @Test
    void refusesAWebSocketFromAnUntrustedOrigin() throws Exception {
        int port = start(List.of("https://app.example"));

        RawHttp.Response r = RawHttp.exchange(port, "GET /ws HTTP/1.1\r\nHost: h\r\nOrigin: https://evil.example\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");

        assertEquals(403, r.status());
        assertEquals(0, backend.requests().size());
    }
}
