package io.gophermesh.route.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.StdioMode;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** Http mode: the raw request on stdin, stdout streamed back as a chunked 200. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StdioHttpTest {
    private StdioRoute route;

    @TempDir
    Path tmp;

    @AfterEach
    void closeAndCheckLeaks() {
        if (route != null) {
            route.close(Duration.ofMillis(200));
        }
        Await.until(Duration.ofSeconds(10), "no child left behind", () -> ProcessLeaks.descendants().isEmpty());
    }

    private static Map<String, String> env(String text) {
        Map<String, String> env = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void rawRequestGoesToStdinAndOutputComesBackChunked() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("echo.py", "web").start();
        String request = "POST /p?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
        HttpProbe.Response r = HttpProbe.send(route.port(), request);
        assertEquals(200, r.status());
        assertEquals("text/plain; charset=utf-8", r.header("content-type"));
        assertEquals("no-cache", r.header("cache-control"));
        assertEquals("no", r.header("x-accel-buffering"));
        assertEquals("chunked", r.header("transfer-encoding"));
        assertTrue(r.complete());
        String text = r.text();
        assertTrue(text.startsWith("[web] method=POST uri=/p?x=1\nPOST /p?x=1 HTTP/1.1\r\n"), text);
        assertTrue(text.contains("Host: h\r\n") && text.contains("Content-Length: 3\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\nabc"), text);
    }

    @Test
    void chunkedUploadArrivesChunked() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("echo.py", "web").start();
        String request = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        HttpProbe.Response r = HttpProbe.send(route.port(), request);
        assertEquals(200, r.status());
        String text = r.text();
        assertTrue(text.contains("Transfer-Encoding: chunked\r\n"), text);
        assertTrue(text.endsWith("0\r\n\r\n"), text);
        // what the child read is itself a chunked message: parse it as one
        String asResponse = "HTTP/1.1 200 OK\r\n" + text.substring(text.indexOf("\r\n") + 2);
        HttpProbe.Response inner = HttpProbe.read(
                new java.io.ByteArrayInputStream(asResponse.getBytes(StandardCharsets.ISO_8859_1)), false);
        assertEquals("hello world", inner.text());
        assertTrue(inner.complete());
    }

    @Test
    void environmentDescribesTheRequestWithoutHttpProxy() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("env.py").start();
        try (Socket s = HttpProbe.connect(route.port())) {
            String request = "GET /a%20b/c?x=1&y=2 HTTP/1.1\r\nHost: example.test:8080\r\n"
                    + "X-Custom-Header: v1\r\nProxy: http://evil.test:1\r\nP.roxy: http://evil.test:2\r\n"
                    + "Authorization: Bearer t\r\nContent-Type: text/x-test\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            HttpProbe.Response r = HttpProbe.read(s.getInputStream(), false);
            assertEquals(200, r.status());
            Map<String, String> env = env(r.text());
            assertEquals("http", env.get("GOPHERMESH_STDIO_MODE"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("/a%20b/c?x=1&y=2", env.get("REQUEST_URI"));
            assertEquals("/a b/c", env.get("PATH_INFO"));
            assertEquals("x=1&y=2", env.get("QUERY_STRING"));
            assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals(Integer.toString(s.getLocalPort()), env.get("REMOTE_PORT"));
            assertEquals("example.test:8080", env.get("HTTP_HOST"));
            assertEquals("example.test", env.get("SERVER_NAME"));
            assertEquals(Integer.toString(route.port()), env.get("SERVER_PORT"));
            assertEquals("text/x-test", env.get("CONTENT_TYPE"));
            assertEquals("v1", env.get("HTTP_X_CUSTOM_HEADER"));
            assertEquals("Bearer t", env.get("HTTP_AUTHORIZATION"));
            assertEquals("0", env.get("CONTENT_LENGTH"), "no body: length 0, as the Go version passes it");
            // httpoxy: neither header may become HTTP_PROXY; an inherited one stays as it was
            assertEquals(System.getenv("HTTP_PROXY"), env.get("HTTP_PROXY"));
        }
    }

    @Test
    void outputReachesTheClientWhileTheChildRuns() throws Exception {
        Path gate = tmp.resolve("gate");
        route = StdioFixture.mode(StdioMode.HTTP).worker("gate.py", gate.toString()).start();
        try (Socket s = HttpProbe.connect(route.port())) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertEquals("HTTP/1.1 200 OK", HttpProbe.line(in));
            String line;
            while (!(line = HttpProbe.line(in)).isEmpty()) {
                assertFalse(line.toLowerCase().startsWith("content-length"), line);
            }
            assertEquals("6", HttpProbe.line(in));
            assertEquals("first", HttpProbe.line(in));
            assertEquals("", HttpProbe.line(in));
            // the child is still waiting at its gate: the first line came live
            assertEquals(1, route.context().backends().getFirst().inFlight());
            Files.createFile(gate);
            assertEquals("7", HttpProbe.line(in));
            assertEquals("second", HttpProbe.line(in));
            assertEquals("", HttpProbe.line(in));
            assertEquals("0", HttpProbe.line(in));
            assertEquals("", HttpProbe.line(in));
        }
    }

    @Test
    void exitWithoutOutputIs502AndCleanEmptyExitIs200() throws Exception {
        RouteMetrics metrics = new RouteMetrics();
        route = StdioFixture.mode(StdioMode.HTTP).worker("fail.py").metrics(metrics).start();
        HttpProbe.Response r = HttpProbe.get(route.port(), "/");
        assertEquals(502, r.status());
        assertTrue(r.text().contains("exited before producing a response"), r.text());
        Await.until(Duration.ofSeconds(5), "error counted", () -> metrics.snapshot().errors() == 1);
        route.close(Duration.ofMillis(100));

        route = StdioFixture.mode(StdioMode.HTTP).worker("silent.py").start();
        r = HttpProbe.get(route.port(), "/");
        assertEquals(200, r.status());
        assertTrue(r.complete());
        assertEquals(0, r.body().length);
    }

    @Test
    void nothingStartsIs503() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).command("ghost", "/nonexistent/ghost-binary").start();
        HttpProbe.Response r = HttpProbe.get(route.port(), "/");
        assertEquals(503, r.status());
        assertNull(r.header("retry-after"));
    }

    @Test
    void fullRouteIs503WithRetryAfter() throws Exception {
        Path gate = tmp.resolve("gate");
        route = StdioFixture.mode(StdioMode.HTTP).worker("gate.py", gate.toString()).maxConcurrency(1).start();
        try (Socket first = HttpProbe.connect(route.port())) {
            first.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = first.getInputStream();
            assertEquals("HTTP/1.1 200 OK", HttpProbe.line(in));
            HttpProbe.Response busy = HttpProbe.get(route.port(), "/");
            assertEquals(503, busy.status());
            assertEquals("1", busy.header("retry-after"));
            Files.createFile(gate);
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("second"));
        }
    }

    @Test
    void requestTimeoutBeforeOutputIs504() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("sleeper.py").requestTimeout(Duration.ofMillis(300))
                .start();
        HttpProbe.Response r = HttpProbe.get(route.port(), "/");
        assertEquals(504, r.status());
    }

    @Test
    void requestTimeoutAfterOutputCutsTheResponseOff() throws Exception {
        Path gate = tmp.resolve("never");
        route = StdioFixture.mode(StdioMode.HTTP).worker("gate.py", gate.toString())
                .requestTimeout(Duration.ofSeconds(1)).start();
        HttpProbe.Response r = HttpProbe.get(route.port(), "/");
        assertEquals(200, r.status());
        assertEquals("first\n", r.text());
        assertFalse(r.complete(), "no last chunk after a timeout");
    }

    @Test
    void clientDisconnectKillsTheChild() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("forever.py").start();
        Backend backend = route.context().backends().getFirst();
        try (Socket s = HttpProbe.connect(route.port())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 200 OK", HttpProbe.line(s.getInputStream()));
        }
        Await.until(Duration.ofSeconds(10), "child killed", () -> backend.served() == 1);
        assertTrue(backend.log().lines().stream().anyMatch(l -> l.contains("killed: client disconnected")),
                backend.log().lines().toString());
    }

    @Test
    void malformedRequestIs400AndOversizedHeadIs431() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("echo.py").maxHeaderSize(1024).start();
        assertEquals(400, HttpProbe.send(route.port(), "NOT A REQUEST AT ALL\r\n\r\n").status());
        assertEquals(400, HttpProbe.send(route.port(), "GET / HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n").status());
        assertEquals(400, HttpProbe.send(route.port(), "GET / HTTP/1.1\r\n\r\n").status(), "Host is required");
        assertEquals(431, HttpProbe.send(route.port(), "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(2000)
                + "\r\n\r\n").status());
        assertEquals(0, route.context().backends().getFirst().served(), "no child for a bad request");
    }

    @Test
    void bodyOverMaxBodySizeIs413() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("echo.py").maxBodySize(10).start();
        assertEquals(413, HttpProbe.send(route.port(), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
                + "Connection: close\r\n\r\n01234567890").status());
        assertEquals(413, HttpProbe.send(route.port(), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n6\r\n012345\r\n6\r\n678901\r\n0\r\n\r\n").status());
    }

    @Test
    void keepAliveServesEachRequestWithItsOwnChild() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("pid.py").start();
        try (Socket s = HttpProbe.connect(route.port())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /one HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            HttpProbe.Response first = HttpProbe.read(in, false);
            out.write("POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
                    .getBytes(StandardCharsets.ISO_8859_1));
            HttpProbe.Response second = HttpProbe.read(in, false);
            assertTrue(first.text().contains("line=GET /one HTTP/1.1 mode=http"), first.text());
            assertTrue(second.text().contains("line=POST /two HTTP/1.1 mode=http"), second.text());
            assertNotEquals(first.text().split(" ")[0], second.text().split(" ")[0], "two children");
        }
    }

    @Test
    void bodyTheChildDoesNotReadIsDrainedForTheNextRequest() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("noread.py").start();
        try (Socket s = HttpProbe.connect(route.port())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int size = 512 * 1024;
            Thread upload = Thread.ofVirtual().start(() -> {
                try {
                    out.write(("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + size + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[size]);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals("hi\n", HttpProbe.read(in, false).text());
            upload.join();
            out.write("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("hi\n", HttpProbe.read(in, false).text());
        }
    }

    @Test
    void expectContinueGetsAnInterimResponse() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("echo.py", "web").start();
        try (Socket s = HttpProbe.connect(route.port())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 100 Continue", HttpProbe.line(in));
            assertEquals("", HttpProbe.line(in));
            out.write("ok".getBytes(StandardCharsets.ISO_8859_1));
            HttpProbe.Response r = HttpProbe.read(in, false);
            assertTrue(r.text().endsWith("\r\n\r\nok"), r.text());
        }
    }

    @Test
    void http10ClientGetsABodyEndedByClose() throws Exception {
        route = StdioFixture.mode(StdioMode.HTTP).worker("noread.py").start();
        HttpProbe.Response r = HttpProbe.send(route.port(), "GET / HTTP/1.0\r\n\r\n");
        assertEquals(200, r.status());
        assertNull(r.header("transfer-encoding"));
        assertEquals("close", r.header("connection"));
        assertEquals("hi\n", r.text());
    }
}
