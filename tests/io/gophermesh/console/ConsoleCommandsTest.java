package io.gophermesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.testing.Await;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConsoleCommandsTest {
    @TempDir
    Path tmp;

    private final AtomicReference<String> parsed = new AtomicReference<>();
    private final Config parsedConfig = new Config("127.0.0.1", "9999", List.of("*"), null, null, null, java.util.Map.of(), null);

    private TerminalSession session(FakeMesh mesh) throws Exception {
        return new TerminalSession(mesh, tmp.resolve("history"), json -> {
            if (json.contains("invalid")) {
                throw new ConfigException("route 18081: backend 0: internal_port: missing");
            }
            parsed.set(json);
            return parsedConfig;
        });
    }

    @Test
    void statusAndRoutesAreTables() throws Exception {
        try (TerminalSession s = session(new FakeMesh(null))) {
            assertEquals(List.of(
                    "PORT   ROUTE  REF      NAME   STATUS          PID   UPTIME  IN-FLIGHT  SERVED",
                    "18081  API    18081:0  api-a  Running         4242  1h2m3s  2          1500",
                    "18081  API    18081:1  api-b  Dormant         -     -       0          0",
                    "18090  Echo   18090:0  echo   Request-Driven  -     -       1          7"),
                    s.run("status").lines().toList());
            assertEquals(List.of(
                    "PORT   ROUTE  PROTOCOL      BALANCE      BACKENDS",
                    "18081  API    http          round_robin  api-a 127.0.0.1:9081, api-b 127.0.0.1:9082",
                    "18090  Echo   stdio/stream  least_conn   echo"),
                    s.run("  ROUTES  ").lines().toList());
            assertEquals("usage: status (takes no argument)\n", s.run("status now"));
        }
    }

    @Test
    void logsPrintsAndValidates() throws Exception {
        try (TerminalSession s = session(new FakeMesh(null))) {
            assertEquals("api-a listening on 9081\nGET /health 200\n", s.run("logs 18081:0"));
            assertEquals("api-a listening on 9081\nGET /health 200\n", s.run("logs 9081"), "an internal port is a ref too");
            assertEquals("", s.run("logs 18081:1"));
            assertEquals("unknown backend ref '18081:7': expected PORT:INDEX of a configured backend\n", s.run("logs 18081:7"));
            assertEquals("usage: logs REF [-f]\n", s.run("logs"));
            assertEquals("usage: logs REF [-f]\n", s.run("logs 18081:0 -x"));
        }
    }

    @Test
    void logsFollowUntilCtrlC() throws Exception {
        FakeMesh mesh = new FakeMesh(null);
        try (TerminalSession s = session(mesh)) {
            int prompts = s.prompts();
            s.keyboard.type("logs 9081 -f\n");
            s.awaitText("-- following 18081:0; Ctrl-C returns to the prompt --");
            assertEquals(1, mesh.listeners.size());
            mesh.emit("18081:1", "not this backend");
            mesh.emit("18081:0", "POST /sum 200");
            s.awaitText("POST /sum 200");
            s.terminal.raise(Terminal.Signal.INT);
            s.awaitPrompts(prompts + 1);
            String out = s.screen();
            assertTrue(out.contains("GET /health 200\n-- following"), out);
            assertTrue(out.contains("-- stopped following 18081:0 --"), out);
            assertFalse(out.contains("not this backend"), out);
            Await.until(TerminalSession.WAIT, "unsubscribed", mesh.listeners::isEmpty);
            assertEquals("PORT", s.run("status").substring(0, 4), "the prompt works again");
        }
    }

    @Test
    void killReportsTheEngineAnswer() throws Exception {
        FakeMesh mesh = new FakeMesh(null);
        try (TerminalSession s = session(mesh)) {
            assertEquals("killed backend 18081:0\n", s.run("kill 18081:0"));
            assertEquals(List.of("18081:0"), mesh.killed);
            assertEquals("kill 18090:0: backend echo of route 18090 is a stdio backend: no long-running process to kill\n",
                    s.run("kill 18090:0"));
            assertTrue(s.run("kill 1:1").startsWith("unknown backend ref '1:1'"));
            assertEquals("usage: kill REF\n", s.run("kill"));
            assertEquals("usage: kill REF\n", s.run("kill 18081:0 18081:1"));
        }
    }

    @Test
    void reloadReadsTheFileAndNeverCreatesOne() throws Exception {
        Path inForce = Files.writeString(tmp.resolve("config.json"), "{\"in\": \"force\"}");
        Path other = Files.writeString(tmp.resolve("other config.json"), "{\"other\": true}");
        FakeMesh mesh = new FakeMesh(inForce);
        try (TerminalSession s = session(mesh)) {
            assertEquals("reloaded " + other + " (config version v2)\n", s.run("reload \"" + other + "\""));
            assertEquals("{\"other\": true}", parsed.get());
            assertEquals(other, mesh.reloaded.getLast().configPath());

            assertEquals("reloaded " + inForce + " (config version v3)\n", s.run("reload"));
            assertEquals("{\"in\": \"force\"}", parsed.get());

            Path missing = tmp.resolve("missing.json");
            assertEquals("reload failed: no such file " + missing + "\n", s.run("reload " + missing));
            assertFalse(Files.exists(missing));

            Files.writeString(inForce, "invalid");
            assertEquals("reload failed: route 18081: backend 0: internal_port: missing\n", s.run("reload"));

            Files.writeString(inForce, "{}");
            mesh.reloadFailure = new ConfigException("route 18082: port 18082 is already in use");
            assertEquals("reload failed: route 18082: port 18082 is already in use\n", s.run("reload"));
            assertEquals(2, mesh.reloaded.size());

            mesh.configPath = null;
            assertEquals("reload failed: the config in force was not loaded from a file; give FILE\n", s.run("reload"));
            assertEquals("usage: reload [FILE]\n", s.run("reload a b"));
        }
    }

    @Test
    void reloadWithTheRealParser() throws Exception {
        boolean implemented;
        try {
            Config.defaults();
            implemented = true;
        } catch (UnsupportedOperationException e) {
            implemented = false;
        }
        assumeTrue(implemented, "Config.parse is not in this build yet");
        Path file = Files.writeString(tmp.resolve("mesh.json"),
                "{\"routes\": {\"18081\": {\"backends\": [{\"internal_port\": \"9081\"}]}}}");
        FakeMesh mesh = new FakeMesh(file);
        try (TerminalSession s = new TerminalSession(mesh, tmp.resolve("history"), Config::parse)) {
            assertTrue(s.run("reload").startsWith("reloaded " + file));
            assertEquals(file, mesh.reloaded.getLast().configPath());
            Files.writeString(file, "{\"routes\": {\"18081\": {\"backends\": []}}}");
            assertTrue(s.run("reload").startsWith("reload failed: "));
        }
    }

    @Test
    void configOpenHelpAndUnknownCommands() throws Exception {
        try (TerminalSession s = session(new FakeMesh(null))) {
            assertEquals("{\n  \"18081\": {\n    \"name\": \"API\"\n  }\n}\n", s.run("config"));
            assertEquals("opening the dashboard\n", s.run("open"));
            assertEquals(1, s.opens);
            String help = s.run("help");
            for (String command : List.of("status", "routes", "logs REF [-f]", "kill REF", "reload [FILE]", "config",
                    "open", "help", "quit", "exit")) {
                assertTrue(help.contains("\n" + command + " "), () -> command + " missing from:\n" + help);
            }
            assertEquals("unknown command 'bogus'; type help for the list\n", s.run("bogus --now"));
            assertEquals("", s.run("   "));
            assertEquals(0, s.quits);
        }
    }

    @Test
    void aFailingEngineCallIsOneLine() throws Exception {
        FakeMesh broken = new FakeMesh(null) {
            @Override
            public String configJson() {
                throw new IllegalStateException("engine is stopping");
            }
        };
        try (TerminalSession s = session(broken)) {
            assertEquals("config failed: engine is stopping\n", s.run("config"));
        }
    }

    @Test
    void quitExitAndCtrlDRunTheShutdownCallbackOnce() throws Exception {
        for (String way : List.of("quit\n", "EXIT\n", "")) {
            TerminalSession s = session(new FakeMesh(null));
            try {
                if (way.isEmpty()) {
                    s.keyboard.end();
                } else {
                    s.keyboard.type(way);
                }
                s.awaitExit();
                assertEquals(1, s.quits, way);
                assertTrue(s.screen().endsWith("stopping the mesh\n"), s.screen());
            } finally {
                s.close();
            }
        }
    }

    @Test
    void closeEndsTheConsoleWithoutShutdown() throws Exception {
        TerminalSession s = session(new FakeMesh(null));
        s.console.close();
        s.awaitExit();
        assertEquals(0, s.quits);
        s.close();
    }

    @Test
    void closeDuringTheQuitCallbackDoesNotInterruptIt() throws Exception {
        TerminalSession s = session(new FakeMesh(null));
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        s.duringQuit = () -> {
            s.console.close(); // what a shutdown hook does while the mesh stops
            interrupted.set(Thread.currentThread().isInterrupted());
        };
        s.keyboard.type("quit\n");
        s.awaitExit();
        assertEquals(1, s.quits);
        assertEquals(Boolean.FALSE, interrupted.get());
        s.close();
    }

    @Test
    void ctrlCClearsTheLineAndKeepsThePrompt() throws Exception {
        try (TerminalSession s = session(new FakeMesh(null))) {
            s.terminal.raise(Terminal.Signal.INT);
            s.awaitText("(quit or Ctrl-D stops the mesh)");
            s.awaitPrompts(2);
            assertEquals("PORT", s.run("status").substring(0, 4));
            assertEquals(0, s.quits);
        }
    }

    @Test
    void logLinesArePrintedAboveThePrompt() throws Exception {
        try (TerminalSession s = session(new FakeMesh(null))) {
            s.console.logSink().accept("route 18081 backend api-a: ready on 9081");
            s.awaitText("route 18081 backend api-a: ready on 9081\n");
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger("console-test");
            logger.setUseParentHandlers(false);
            java.util.logging.Handler handler = s.console.logHandler();
            logger.addHandler(handler);
            try {
                logger.warning("route 18082 backend b: port 9082 not ready after 30s");
            } finally {
                logger.removeHandler(handler);
            }
            s.awaitText(" WARNING route 18082 backend b: port 9082 not ready after 30s\n");
            assertTrue(s.screen().matches("(?s).*\\d\\d:\\d\\d:\\d\\d WARNING route 18082.*"), s.screen());
            assertEquals("PORT", s.run("status").substring(0, 4));
        }
    }

    @Test
    void historyIsWrittenToTheGivenFileForTheUserOnly() throws Exception {
        Path history = tmp.resolve("history");
        TerminalSession s = session(new FakeMesh(null));
        try {
            s.run("status");
            s.run("routes");
            s.keyboard.type("quit\n");
            s.awaitExit();
        } finally {
            s.close();
        }
        List<String> lines = Files.readAllLines(history);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("status")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("routes")), lines.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));

        try (TerminalSession again = session(new FakeMesh(null))) {
            assertSame(again.console, again.console);
            assertTrue(again.screen().startsWith("mesh console"), "a second console reads the same file without error");
        }
    }
}
