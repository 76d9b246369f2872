package io.gophermesh.engine;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;

/**
 * Reloads the engine when its config file changes on disk. Editors write a file in several steps
 * (truncate, write, rename), so events are debounced; a file that does not parse or validate is
 * reported and ignored, and the mesh keeps running on what it had.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.engine");
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    private final Path file;
    private final MeshControl mesh;
    private final WatchService watcher;
    private final Thread thread;

    ConfigWatcher(Path file, MeshControl mesh) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.mesh = mesh;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofVirtual().name("config-watcher").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = concernsFile(key);
                key.reset();
                if (!ours) {
                    continue;
                }
                // let the writer finish: wait until no event came for the debounce period
                WatchKey more;
                while ((more = watcher.poll(DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private boolean concernsFile(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path p && p.getFileName().equals(file.getFileName())) {
                ours = true;
            }
        }
        return ours;
    }

    private void reload() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            Config next = Config.parse(Files.readString(file)).withConfigPath(file);
            mesh.reload(next);
        } catch (ConfigException e) {
            LOG.log(System.Logger.Level.WARNING, file + " changed but was not applied: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, file + " changed but cannot be read: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
