package io.gophermesh.console;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.engine.UnknownRefException;
import io.gophermesh.route.RouteMetrics;

/** A MeshControl with two http backends on 18081 and a stdio route on 18090; it records what it is told. */
class FakeMesh implements MeshControl {
    final Map<String, List<String>> logs = new LinkedHashMap<>();
    final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
    final List<String> killed = new CopyOnWriteArrayList<>();
    final List<Config> reloaded = new CopyOnWriteArrayList<>();
    volatile Path configPath;
    volatile ConfigException reloadFailure;
    volatile int version = 1;

    FakeMesh(Path configPath) {
        this.configPath = configPath;
        logs.put("18081:0", new ArrayList<>(List.of("api-a listening on 9081", "GET /health 200")));
        logs.put("18081:1", new ArrayList<>());
        logs.put("18090:0", new ArrayList<>());
    }

    @Override
    public Map<String, RouteStatus> status() {
        Map<String, RouteStatus> routes = new LinkedHashMap<>();
        routes.put("18081", new RouteStatus("API", "http", "", "round_robin", List.of(
                new BackendStatus("18081:0", "api-a", "127.0.0.1", "9081", "Running", 4242, "1h2m3s", 2, 1500),
                new BackendStatus("18081:1", "api-b", "127.0.0.1", "9082", "Dormant", 0, "", 0, 0))));
        routes.put("18090", new RouteStatus("Echo", "stdio", "stream", "least_conn", List.of(
                new BackendStatus("18090:0", "echo", "", "", "Request-Driven", 0, "", 1, 7))));
        return routes;
    }

    @Override
    public synchronized List<String> logs(String ref) throws UnknownRefException {
        String key = "9081".equals(ref) ? "18081:0" : ref;
        List<String> lines = logs.get(key);
        if (lines == null) {
            throw new UnknownRefException(ref);
        }
        return List.copyOf(lines);
    }

    /** Appends a line as a backend would and tells the subscribers. */
    void emit(String ref, String line) {
        synchronized (this) {
            logs.get(ref).add(line);
        }
        listeners.forEach(l -> l.accept(ref, line));
    }

    @Override
    public String kill(String ref) throws UnknownRefException {
        if (!logs.containsKey(ref)) {
            throw new UnknownRefException(ref);
        }
        if (ref.equals("18090:0")) {
            throw new IllegalStateException("backend echo of route 18090 is a stdio backend: no long-running process to kill");
        }
        killed.add(ref);
        return "killed backend " + ref;
    }

    @Override
    public String configJson() {
        return "{\n  \"18081\": {\n    \"name\": \"API\"\n  }\n}";
    }

    @Override
    public String configVersion() {
        return "v" + version;
    }

    @Override
    public Config config() {
        return new Config("127.0.0.1", "9999", List.of("*"), null, null, null, Map.of(), configPath);
    }

    @Override
    public void reload(String routesJson) {
        throw new UnsupportedOperationException("the console reloads whole configs");
    }

    @Override
    public void reload(Config config) throws ConfigException {
        if (reloadFailure != null) {
            throw reloadFailure;
        }
        reloaded.add(config);
        version++;
    }

    @Override
    public Map<String, RouteMetrics.Snapshot> metrics() {
        return Map.of();
    }

    @Override
    public AutoCloseable subscribeLogs(BiConsumer<String, String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
