package io.gophermesh.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WatchTest {
    private static final Logger ENGINE_LOG = Logger.getLogger("io.gophermesh.engine");

    @TempDir
    Path dir;

    @Test
    void editsOnDiskAreAppliedAndBrokenOnesIgnored() throws Exception {
        int a = Ports.free();
        int b = Ports.free();
        int dash = Ports.free();
        String one = "\"%d\": {\"backends\": [{\"internal_port\": \"%d\"}]}".formatted(a, Ports.free());
        String two = "\"%d\": {\"backends\": [{\"internal_port\": \"%d\"}]}".formatted(b, Ports.free());
        try (MeshFixture mesh = new MeshFixture(dir, EngineTest.config(dash, one), 0)) {
            mesh.engine.watchConfig();
            String initial = mesh.engine.configVersion();
            Files.writeString(mesh.configFile, EngineTest.config(dash, one + "," + two));
            // the port is bound before the new version is published: wait for both
            Await.until(Duration.ofSeconds(10), "route " + b + " added from the edited file",
                    () -> !mesh.engine.configVersion().equals(initial) && Ports.accepting(b));
            String version = mesh.engine.configVersion();

            List<String> warnings = new CopyOnWriteArrayList<>();
            Handler capture = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                        warnings.add(r.getMessage());
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            ENGINE_LOG.addHandler(capture);
            try {
                Files.writeString(mesh.configFile, "{\"routes\": {\"" + a + "\": {\"backends\": []}}}");
                Await.until(Duration.ofSeconds(10), "the broken file reported",
                        () -> warnings.stream().anyMatch(w -> w.contains("was not applied") && w.contains(String.valueOf(a))));
            } finally {
                ENGINE_LOG.removeHandler(capture);
            }
            assertEquals(version, mesh.engine.configVersion());
            assertTrue(Ports.accepting(a) && Ports.accepting(b), "both routes still serve");
        }
    }
}
