package io.gophermesh.engine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.Config;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EngineTest {
    @TempDir
    Path dir;

    static String backendJson(String name, int port, String... extraArgs) {
        StringBuilder args = new StringBuilder("\"-u\", \"" + Workers.dir().resolve("engine/http_backend.py") + "\", \""
                + port + "\", \"--name\", \"" + name + "\"");
        for (String a : extraArgs) {
            args.append(", \"").append(a).append('"');
        }
        return """
                {"name": "%s", "cmd": "python3", "args": [%s], "internal_port": "%d"}""".formatted(name, args, port);
    }

    static String config(int dash, String routes) {
        return """
                {"dashboard_port": "%d", "routes": {%s}}""".formatted(dash, routes);
    }

    @Test
    void coldStartsOnceUnderTwentyConcurrentFirstRequests() throws Exception {
        int pub = Ports.free();
        int be = Ports.free();
        Path starts = dir.resolve("starts.txt");
        String json = config(Ports.free(), "\"%d\": {\"backends\": [%s]}".formatted(pub,
                backendJson("api", be, "--delay", "0.3", "--starts", starts.toString())));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<HttpResponse<String>> call = () -> MeshFixture.get(pub, "/x");
                answers.add(pool.submit(call));
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().startsWith("api "), r.body());
            }
            pool.shutdown();
            assertEquals(1, Files.readAllLines(starts).size(), "backend started exactly once");
            RouteStatus st = mesh.engine.status().get(String.valueOf(pub));
            assertEquals("Running", st.backends().getFirst().status());
            assertTrue(st.backends().getFirst().pid() > 0);
        }
    }

    @Test
    void theFirstRequestOfAColdStartRidesTheConnectionTheStartProbedWith() throws Exception {
        int http = Ports.free();
        int tcp = Ports.free();
        int echo = Ports.free();
        String echoJson = """
                {"name": "echo", "cmd": "python3", "args": ["-u", "%s", "%d", "--delay", "0.2"], "internal_port": "%d"}"""
                .formatted(Workers.dir().resolve("tcp/numbered_echo.py"), echo, echo);
        String json = config(Ports.free(), ("\"%d\": {\"backends\": [%s]}, "
                + "\"%d\": {\"protocol\": \"tcp\", \"backends\": [%s]}").formatted(
                http, backendJson("api", Ports.free(), "--delay", "0.2"), tcp, echoJson));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            HttpResponse<String> r = MeshFixture.get(http, "/");
            assertEquals(200, r.statusCode(), r.body());
            // the backend's first accepted connection was the probe's: no second connect, no empty one
            assertEquals("1", r.headers().firstValue("X-Connection").orElse(""));

            assertEquals("1 hello", echoOnce(tcp, "hello"));
            assertEquals("2 again", echoOnce(tcp, "again"), "later connections are the mesh's own");
        }
    }

    /** Sends {@code line} on a new connection to {@code port} and returns the line that comes back. */
    private static String echoOnce(int port, String line) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void aProbesConnectionClosedByTheBackendIsRetriedOnAFreshOne() throws Exception {
        int pub = Ports.free();
        String json = config(Ports.free(), "\"%d\": {\"backends\": [%s]}".formatted(pub,
                backendJson("picky", Ports.free(), "--delay", "0.2", "--drop-first")));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            HttpResponse<String> r = MeshFixture.get(pub, "/");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("2", r.headers().firstValue("X-Connection").orElse(""));
        }
    }

    @Test
    void earlyExitGives503WithTheBackendsLastLines() throws Exception {
        int pub = Ports.free();
        String json = config(Ports.free(), "\"%d\": {\"backends\": [%s]}".formatted(pub,
                backendJson("broken", Ports.free(), "--exit-code", "3")));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            HttpResponse<String> r = MeshFixture.get(pub, "/");
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("Cold start failed"), r.body());
            assertTrue(r.body().contains("cannot open model file"), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            // a crash loop backs off: the status says until when
            BackendStatus b = mesh.engine.status().get(String.valueOf(pub)).backends().getFirst();
            assertEquals("Backoff", b.status());
            assertFalse(b.nextAttempt().isEmpty(), "next attempt time shown");
        }
    }

    @Test
    void killStopsTheWholeTreeAndTheNextRequestStartsItAgain() throws Exception {
        int pub = Ports.free();
        int be = Ports.free();
        String json = config(Ports.free(), "\"%d\": {\"backends\": [%s]}".formatted(pub,
                backendJson("tree", be, "--grandchild")));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            String first = MeshFixture.get(pub, "/").body();
            Await.until(Duration.ofSeconds(5), "grandchild started",
                    () -> ProcessLeaks.descendants().stream().anyMatch(l -> l.contains("sleep")));
            String msg = mesh.engine.kill(pub + ":0");
            assertTrue(msg.contains("stopped"), msg);
            Await.until(Duration.ofSeconds(10), "tree gone", () -> ProcessLeaks.descendants().isEmpty());
            Await.until(Duration.ofSeconds(5), "status Dormant",
                    () -> mesh.engine.status().get(String.valueOf(pub)).backends().getFirst().status().equals("Dormant"));
            String second = MeshFixture.get(pub, "/").body();
            assertFalse(first.equals(second), "a new process answers: " + first + " / " + second);
        }
    }

    @Test
    void statusLogsAndRefs() throws Exception {
        int pub = Ports.free();
        int health = Ports.free();
        int be = Ports.free();
        String json = config(Ports.free(), """
                "%d": {"name": "api", "load_balance": "least_conn", "backends": [%s]},
                "%d": {"backends": [{"cmd": "internal"}]}""".formatted(pub, backendJson("a", be), health));
        try (MeshFixture mesh = new MeshFixture(dir, json, 0)) {
            Map<String, RouteStatus> st = mesh.engine.status();
            assertEquals(1, st.size(), "internal route left out: " + st);
            RouteStatus rs = st.get(String.valueOf(pub));
            assertEquals("least_conn", rs.loadBalance());
            assertEquals("Dormant", rs.backends().getFirst().status());
            assertEquals(pub + ":0", rs.backends().getFirst().ref());
            assertEquals(200, MeshFixture.get(pub, "/").statusCode());
            Await.until(Duration.ofSeconds(5), "log captured", () -> logsOf(mesh.engine, pub + ":0").stream()
                    .anyMatch(l -> l.contains("a listening on")));
            assertEquals(mesh.engine.logs(pub + ":0"), mesh.engine.logs(String.valueOf(be)), "internal port is a ref too");
            assertThrows(UnknownRefException.class, () -> mesh.engine.logs(pub + ":7"));
            assertThrows(UnknownRefException.class, () -> mesh.engine.kill("nonsense"));
            HttpResponse<String> h = MeshFixture.get(health, "/anything");
            assertEquals(200, h.statusCode());
            assertTrue(h.body().contains("\"mesh\":\"running\""), h.body());
        }
    }

    static List<String> logsOf(Engine engine, String ref) {
        try {
            return engine.logs(ref);
        } catch (UnknownRefException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTakenPortLeavesNothingBound() throws Exception {
        int free1 = Ports.free();
        int dash = Ports.free();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            String json = config(dash, """
                    "%d": {"backends": [{"internal_port": "%d"}]},
                    "%d": {"backends": [{"internal_port": "%d"}]}""".formatted(free1, Ports.free(), busy, Ports.free()));
            Path file = dir.resolve("c.json");
            Files.writeString(file, json);
            Engine engine = Engine.create(Config.load(file), new EngineOptions(true, null));
            java.io.IOException e = assertThrows(java.io.IOException.class, engine::start);
            assertTrue(e.getMessage().contains(String.valueOf(busy)), e.getMessage());
            assertFalse(Ports.accepting(free1), "first route unbound again");
            assertFalse(Ports.accepting(dash), "dashboard not left bound");
        }
    }

    @Test
    void secondInstanceOnTheSameDashboardIsAWorker() throws Exception {
        int dash = Ports.free();
        String json = config(dash, "\"%d\": {\"backends\": [{\"internal_port\": \"%d\"}]}".formatted(Ports.free(), Ports.free()));
        try (MeshFixture mesh = new MeshFixture(dir, json, dash)) {
            assertEquals(Role.MASTER, mesh.engine.role());
            Path other = dir.resolve("other.json");
            Files.writeString(other, json);
            Engine second = Engine.create(Config.load(other), new EngineOptions(true, null));
            second.start();
            assertEquals(Role.WORKER, second.role());
            second.run();
            second.shutdown(Duration.ofSeconds(1));
        }
    }
}
