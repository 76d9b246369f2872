package io.gophermesh.route.stdio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.StdioMode;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** Cgi mode: a CGI/1.1 gateway, down to git http-backend serving clone and push. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StdioCgiTest {
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

    private StdioRoute cgi() {
        return StdioFixture.mode(StdioMode.CGI).worker("cgi.py").start();
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
    void metaVariablesFollowRfc3875() throws Exception {
        route = cgi();
        try (Socket s = HttpProbe.connect(route.port())) {
            String request = "GET /some/p%C3%A4th?env HTTP/1.1\r\nHost: localhost:" + route.port() + "\r\n"
                    + "Authorization: Basic c2VjcmV0\r\nProxy-Authorization: Basic eA==\r\n"
                    + "Proxy: http://evil.test:1\r\nX_Custom: spoof\r\nX-Custom: real\r\n"
                    + "Cookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            HttpProbe.Response r = HttpProbe.read(s.getInputStream(), false);
            assertEquals(200, r.status());
            assertEquals("text/plain", r.header("content-type"));
            Map<String, String> env = env(r.text());
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("cgi", env.get("GOPHERMESH_STDIO_MODE"));
            assertEquals(Variables.SERVER_SOFTWARE, env.get("SERVER_SOFTWARE"));
            assertEquals("", env.get("SCRIPT_NAME"));
            assertEquals("/some/päth", env.get("PATH_INFO"));
            assertEquals("env", env.get("QUERY_STRING"));
            assertEquals("/some/p%C3%A4th?env", env.get("REQUEST_URI"));
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("localhost", env.get("SERVER_NAME"));
            assertEquals(Integer.toString(route.port()), env.get("SERVER_PORT"));
            assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals(Integer.toString(s.getLocalPort()), env.get("REMOTE_PORT"));
            assertEquals("real", env.get("HTTP_X_CUSTOM"), "a name with '_' cannot pose as another header");
            assertEquals("a=1; b=2", env.get("HTTP_COOKIE"));
            assertNull(env.get("HTTP_AUTHORIZATION"));
            assertNull(env.get("HTTP_PROXY_AUTHORIZATION"));
            assertEquals(System.getenv("HTTP_PROXY"), env.get("HTTP_PROXY"));
            assertNull(env.get("CONTENT_LENGTH"));
            assertNull(env.get("PATH_TRANSLATED"));
        }
    }

    @Test
    void bodyWithContentLengthGoesToStdin() throws Exception {
        route = cgi();
        HttpProbe.Response r = HttpProbe.send(route.port(), "POST /x?body HTTP/1.1\r\nHost: h\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertEquals(200, r.status());
        assertEquals("5", r.header("x-length"));
        assertEquals("application/octet-stream", r.header("content-type"));
        assertEquals("chunked", r.header("transfer-encoding"));
        assertEquals("hello", r.text());
    }

    @Test
    void smallChunkedBodyIsDechunkedWithALength() throws Exception {
        route = cgi();
        HttpProbe.Response r = HttpProbe.send(route.port(), "POST /x?body HTTP/1.1\r\nHost: h\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n");
        assertEquals("11", r.header("x-length"));
        assertEquals("hello world", r.text());
    }

    @Test
    void largeChunkedBodyStreamsWithoutALength() throws Exception {
        route = cgi();
        byte[] data = new byte[3 * CgiHandler.READ_AHEAD];
        new Random(7).nextBytes(data);
        try (Socket s = HttpProbe.connect(route.port())) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.write("POST /x?body HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (int off = 0; off < data.length; off += 10_000) {
                int n = Math.min(10_000, data.length - off);
                req.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                req.write(data, off, n);
                req.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            req.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Thread upload = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(req.toByteArray());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            HttpProbe.Response r = HttpProbe.read(s.getInputStream(), false);
            upload.join();
            assertEquals("none", r.header("x-length"));
            assertArrayEquals(data, r.body());
        }
    }

    @Test
    void statusLocationAndLengthFieldsShapeTheResponse() throws Exception {
        route = cgi();
        HttpProbe.Response status = HttpProbe.get(route.port(), "/?status");
        assertEquals(404, status.status());
        assertEquals("yes", status.header("x-extra"));
        assertEquals("missing\n", status.text());
        assertNull(status.header("status"));

        HttpProbe.Response redirect = HttpProbe.get(route.port(), "/?redirect");
        assertEquals(302, redirect.status(), "absolute Location without Status");
        assertEquals("http://example.com/elsewhere", redirect.header("location"));

        HttpProbe.Response length = HttpProbe.get(route.port(), "/?length");
        assertEquals(200, length.status());
        assertEquals("5", length.header("content-length"));
        assertNull(length.header("transfer-encoding"));
        assertEquals("hello", length.text());

        HttpProbe.Response head = HttpProbe.send(route.port(), "HEAD /?status HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(404, head.status());
    }

    @Test
    void localRedirectIsServedByTheGateway() throws Exception {
        route = cgi();
        HttpProbe.Response r = HttpProbe.send(route.port(), "POST /start?local HTTP/1.1\r\nHost: h\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\nxx");
        assertEquals(200, r.status());
        Map<String, String> env = env(r.text());
        assertEquals("/target", env.get("PATH_INFO"));
        assertEquals("env", env.get("QUERY_STRING"));
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertNull(env.get("CONTENT_LENGTH"));
    }

    @Test
    void malformedOrMissingCgiOutputIs502() throws Exception {
        route = cgi();
        assertEquals(502, HttpProbe.get(route.port(), "/?malformed").status());
        assertEquals(502, HttpProbe.get(route.port(), "/?fail").status());
    }

    @Test
    void keepAliveCarriesSeveralCgiRequests() throws Exception {
        route = cgi();
        try (Socket s = HttpProbe.connect(route.port())) {
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write(("GET /n" + i + " HTTP/1.1\r\nHost: h\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                HttpProbe.Response r = HttpProbe.read(s.getInputStream(), false);
                assertEquals("path=/n" + i + "\n", r.text());
            }
        }
    }

    @Test
    void gitHttpBackendServesCloneAndPush() throws Exception {
        Path root = tmp.resolve("srv");
        Files.createDirectories(root);
        git(tmp, "init", "--quiet", "--bare", root.resolve("repo.git").toString());
        git(root.resolve("repo.git"), "config", "http.receivepack", "true");
        route = StdioFixture.mode(StdioMode.CGI)
                .command("git", "env", "GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "sh", "-c",
                        "echo \"cgi $REQUEST_METHOD $PATH_INFO length=${CONTENT_LENGTH-unset}\" >&2;"
                                + " exec git http-backend")
                .start();
        String url = "http://127.0.0.1:" + route.port() + "/repo.git";

        Path work = tmp.resolve("work");
        git(tmp, "init", "--quiet", "-b", "main", work.toString());
        Files.writeString(work.resolve("README"), "hello through cgi\n");
        git(work, "add", "README");
        git(work, "commit", "--quiet", "-m", "first");
        git(work, "push", "--quiet", url, "main");

        // a pack larger than the post buffer goes up chunked, of unknown length
        byte[] blob = new byte[300 * 1024];
        new Random(11).nextBytes(blob);
        Files.write(work.resolve("blob.bin"), blob);
        git(work, "add", "blob.bin");
        git(work, "commit", "--quiet", "-m", "second");
        git(work, "-c", "http.postBuffer=65536", "push", "--quiet", url, "main");

        Path clone = tmp.resolve("clone");
        git(tmp, "clone", "--quiet", "--branch", "main", url, clone.toString());
        assertEquals("hello through cgi\n", Files.readString(clone.resolve("README")));
        assertArrayEquals(blob, Files.readAllBytes(clone.resolve("blob.bin")));
        assertEquals(git(work, "rev-parse", "HEAD"), git(clone, "rev-parse", "HEAD"));
        List<String> log = route.context().backends().getFirst().log().lines();
        assertTrue(log.stream().anyMatch(l -> l.contains("cgi POST /repo.git/git-receive-pack length=unset")),
                "the big push streamed without CONTENT_LENGTH: " + log);
        assertTrue(log.stream().anyMatch(l -> l.matches(".*cgi POST /repo.git/git-receive-pack length=\\d+")),
                "the small push had a CONTENT_LENGTH: " + log);
        assertFalse(route.context().backends().getFirst().served() < 4, "every request ran its own child");
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Mesh Test", "-c",
                "user.email=mesh@test.invalid", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "git " + String.join(" ", args) + " finished");
        assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + out + "\nlog: "
                + (route == null ? "" : route.context().backends().getFirst().log().lines()));
        return out.trim();
    }
}
