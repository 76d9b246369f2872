package io.gophermesh.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gophermesh.config.Config;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;

/** A started engine on a config written to a folder; closing it checks that no process is left. */
final class Mesh implements AutoCloseable {
    /** The interpreter itself, not a shim, so a worker starts fast on a loaded machine. */
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : Workers.python();

    final Path dir;
    final Path configFile;
    final Engine engine;
    final int dashboard;

    private Mesh(Path dir, Engine engine, int dashboard) {
        this.dir = dir;
        this.configFile = dir.resolve("config.json");
        this.engine = engine;
        this.dashboard = dashboard;
    }

    /**
     * @param dir    folder for config.json
     * @param routes the routes object's members, e.g. {@code "18081": {...}}
     * @return the started mesh, dashboard on a free port
     */
    static Mesh start(Path dir, String routes) throws IOException {
        int dash = Ports.free();
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"dashboard_port\": \"" + dash + "\", \"routes\": {" + routes + "}}");
        try {
            Engine engine = Engine.create(Config.load(file), new EngineOptions(true, null));
            engine.start();
            return new Mesh(dir, engine, engine.dashboardPort());
        } catch (io.gophermesh.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** @return a JSON string literal */
    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** @return {@code "cmd": PYTHON, "args": ["-S", "-u", tests/workers/hardening/script, args...]} */
    static String worker(String script, String... args) {
        StringBuilder b = new StringBuilder("\"cmd\": " + q(PYTHON) + ", \"args\": [\"-S\", \"-u\", "
                + q(Workers.dir().resolve("hardening").resolve(script).toString()));
        for (String a : args) {
            b.append(", ").append(q(a));
        }
        return b.append(']').toString();
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ofSeconds(5));
        Await.until(Duration.ofSeconds(10), "no child process left", () -> ProcessLeaks.descendants().isEmpty());
    }
}
