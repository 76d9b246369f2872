package io.gophermesh.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.ConfigException;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class ReloadTest {
    @TempDir
    Path dir;
    HttpServer backend;
    HttpServer backend2;
    int backendPort;
    int backendPort2;

    static HttpServer okServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    @BeforeEach
    void startBackends() throws IOException {
        backend = okServer();
        backend2 = okServer();
        backendPort = backend.getAddress().getPort();
        backendPort2 = backend2.getAddress().getPort();
    }

    @AfterEach
    void stopBackends() {
        backend.stop(0);
        backend2.stop(0);
    }

    private String route(int port) {
        return route(port, backendPort);
    }

    private static String route(int port, int backendPort) {
        return "\"%d\": {\"backends\": [{\"internal_port\": \"%d\"}]}".formatted(port, backendPort);
    }

    @Test
    void invalidInputChangesNothing() throws Exception {
        int a = Ports.free();
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), route(a)), 0)) {
            String before = Files.readString(mesh.configFile);
            String json = mesh.engine.configJson();
            String version = mesh.engine.configVersion();
            assertThrows(ConfigException.class, () -> mesh.engine.reload("{not json"));
            ConfigException e = assertThrows(ConfigException.class,
                    () -> mesh.engine.reload("{\"70000\": {\"backends\": [{\"internal_port\": \"1\"}]}}"));
            assertTrue(e.getMessage().contains("70000"), e.getMessage());
            assertThrows(ConfigException.class, () -> mesh.engine.reload("{\"%d\": {\"backends\": []}}".formatted(a)));
            assertEquals(before, Files.readString(mesh.configFile));
            assertEquals(json, mesh.engine.configJson());
            assertEquals(version, mesh.engine.configVersion());
            assertEquals(200, MeshFixture.get(a, "/").statusCode());
        }
    }

    @Test
    void anEditBasedOnAStaleVersionIsNotApplied() throws Exception {
        int a = Ports.free();
        int b = Ports.free();
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), route(a)), 0)) {
            String read = mesh.engine.configVersion();
            assertTrue(mesh.engine.reloadIfVersion("{" + route(a) + "," + route(b, backendPort2) + "}", read));
            String now = mesh.engine.configVersion();
            assertFalse(mesh.engine.reloadIfVersion("{" + route(a) + "}", read), "second editor read an old version");
            assertEquals(now, mesh.engine.configVersion());
            assertTrue(Ports.accepting(b), "the first edit stays");
        }
    }

    @Test
    void aTakenPortRollsBackEverything() throws Exception {
        int a = Ports.free();
        int b = Ports.free();
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), route(a)), 0);
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String before = Files.readString(mesh.configFile);
            int busy = taken.getLocalPort();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> mesh.engine.reload("{" + route(a) + "," + route(b, backendPort2) + ","
                            + route(busy, Ports.free()) + "}"));
            assertTrue(e.getMessage().contains(String.valueOf(busy)), e.getMessage());
            assertFalse(Ports.accepting(b), "new route " + b + " unbound again");
            assertEquals(before, Files.readString(mesh.configFile));
            assertEquals(1, mesh.engine.status().size());
        }
    }

    @Test
    void unchangedRoutesKeepServingWhileOthersComeAndGo() throws Exception {
        int a = Ports.free();
        int b = Ports.free();
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), route(a)), 0)) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Thread client = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        if (MeshFixture.get(a, "/").statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (RuntimeException ex) {
                        failed.incrementAndGet();
                    }
                }
            });
            for (int i = 0; i < 6; i++) {
                mesh.engine.reload("{" + route(a) + "," + route(b, backendPort2) + "}");
                assertEquals(200, MeshFixture.get(b, "/").statusCode());
                mesh.engine.reload("{" + route(a).replace("\"backends\"", "\"load_balance\": \"least_conn\", \"backends\"") + "}");
                Await.until(Duration.ofSeconds(5), "route " + b + " unbound", () -> !Ports.accepting(b));
            }
            running.set(false);
            client.join();
            assertTrue(ok.get() > 0);
            assertEquals(0, failed.get(), "requests on the untouched route failed");
            assertTrue(Files.readString(mesh.configFile).contains("least_conn"), "persisted");
        }
    }

    @Test
    void removedBackendsProcessIsStopped() throws Exception {
        int a = Ports.free();
        int be = Ports.free();
        String managed = "\"%d\": {\"backends\": [%s]}".formatted(a, EngineTest.backendJson("gone", be, "--grandchild"));
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), managed), 0)) {
            assertEquals(200, MeshFixture.get(a, "/").statusCode());
            assertFalse(ProcessLeaks.descendants().isEmpty());
            String oldVersion = mesh.engine.configVersion();
            mesh.engine.reload("{" + route(a) + "}");
            assertNotEquals(oldVersion, mesh.engine.configVersion());
            Await.until(Duration.ofSeconds(10), "process tree stopped", () -> ProcessLeaks.descendants().isEmpty());
            assertEquals("ok", MeshFixture.get(a, "/").body(), "route now proxies to the new backend");
        }
    }

    @Test
    void aFailedSaveLeavesMemoryAsItWas() throws Exception {
        int a = Ports.free();
        int b = Ports.free();
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(Ports.free(), route(a)), 0)) {
            String json = mesh.engine.configJson();
            // the config path becomes a non-empty folder: no file can replace it
            Files.delete(mesh.configFile);
            Files.createDirectories(mesh.configFile.resolve("blocker"));
            ConfigException e = assertThrows(ConfigException.class,
                    () -> mesh.engine.reload("{" + route(a) + "," + route(b, backendPort2) + "}"));
            assertTrue(e.getMessage().contains("cannot write"), e.getMessage());
            assertEquals(json, mesh.engine.configJson());
            assertFalse(Ports.accepting(b));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temp file left beside the config");
            }
        }
    }
}
