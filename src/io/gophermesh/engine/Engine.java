package io.gophermesh.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.route.RouteMetrics;

/**
 * The embeddable mesh: binds the routes of a {@link Config}, supervises its backends, serves the
 * dashboard, and applies reloads as diffs.
 */
public final class Engine implements MeshEngine, MeshControl {

    private Engine() {
    }

    /**
     * @param config  the config (normalised again here)
     * @param options behaviour besides the config
     * @return an engine, not started
     * @throws ConfigException when the config is invalid
     */
    public static Engine create(Config config, EngineOptions options) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Binds every route and the dashboard and returns. If one port cannot be bound, nothing stays
     * bound and the error names the port.
     *
     * @throws IOException when a port cannot be bound
     */
    public void start() throws IOException {
        throw new UnsupportedOperationException("todo");
    }

    /** @return the port the dashboard is bound to, -1 before start or for a worker */
    public int dashboardPort() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public Role role() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void run() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void shutdown(Duration timeout) {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public Map<String, RouteStatus> status() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public List<String> logs(String ref) throws UnknownRefException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public String kill(String ref) throws UnknownRefException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public String configJson() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public String configVersion() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public Config config() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void reload(String routesJson) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void reload(Config config) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public Map<String, RouteMetrics.Snapshot> metrics() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public AutoCloseable subscribeLogs(BiConsumer<String, String> listener) {
        throw new UnsupportedOperationException("todo");
    }
}
