package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.Workers;

/**
 * A managed backend's port already taken by a process the mesh did not start (say, left over from
 * a mesh that was SIGKILLed) is reported at start with route, backend, port and owning pid; the
 * routes keep working, served by that process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StalePortTest {
    @TempDir
    Path dir;

    @Test
    void aForeignProcessOnABackendPortIsReportedAndRequestsStillWork() throws Exception {
        int httpBackend = Ports.free();
        int tcpBackend = Ports.free();
        int http = Ports.free();
        int tcp = Ports.free();
        List<Process> foreign = new ArrayList<>();
        try {
            foreign.add(spawn("http_backend.py", String.valueOf(httpBackend), "stale"));
            foreign.add(spawn("tcp_echo.py", String.valueOf(tcpBackend)));
            Await.until(Duration.ofSeconds(15), "foreign processes listening",
                    () -> Ports.accepting(httpBackend) && Ports.accepting(tcpBackend));

            try (LogCapture log = new LogCapture("io.gophermesh.engine");
                 Mesh mesh = Mesh.start(dir, """
                         "%d": {"name": "api", "backends": [{"name": "api-a", %s, "internal_port": "%d"}]},
                         "%d": {"name": "echo", "protocol": "tcp", "backends": [{"name": "echo-a", %s, "internal_port": "%d"}]}"""
                         .formatted(http, Mesh.worker("http_backend.py", String.valueOf(httpBackend), "mesh-own"), httpBackend,
                                 tcp, Mesh.worker("tcp_echo.py", String.valueOf(tcpBackend)), tcpBackend))) {
                List<String> warnings = log.records().stream()
                        .filter(r -> r.getLevel() == Level.WARNING && r.getLoggerName().equals("io.gophermesh.engine"))
                        .map(LogRecord::getMessage).toList();
                assertWarned(warnings, "route " + http, "backend api-a", "port " + httpBackend, "pid " + foreign.get(0).pid());
                assertWarned(warnings, "route " + tcp, "backend echo-a", "port " + tcpBackend, "pid " + foreign.get(1).pid());

                Raw.Reply r = Raw.exchange(http, "GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                assertEquals(200, r.status(), r.toString());
                assertTrue(r.text().startsWith("stale " + foreign.get(0).pid()), "served by the foreign process: " + r.text());
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcp)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertEquals("ping", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                }
                for (Process p : foreign) {
                    p.destroy();
                    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                }
                // with the stale process gone, the mesh starts its own backend on demand
                Raw.Reply own = Raw.exchange(http, "GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                assertEquals(200, own.status(), own.toString());
                assertTrue(own.text().startsWith("mesh-own "), own.text());
            }
        } finally {
            for (Process p : foreign) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertWarned(List<String> warnings, String... parts) {
        assertTrue(warnings.stream().anyMatch(w -> List.of(parts).stream().allMatch(w::contains)),
                () -> "no WARNING naming " + List.of(parts) + " in " + warnings);
    }

    private static Process spawn(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Mesh.PYTHON, "-S", "-u",
                Workers.dir().resolve("hardening").resolve(script).toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
