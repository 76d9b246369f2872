package io.gophermesh.dashboard;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.engine.UnknownRefException;
import io.gophermesh.route.RouteMetrics;

/**
 * A mesh without processes: routes from a JSON object, runtime state set by the test, every reload
 * and kill recorded. Validates just enough of a reload to produce the errors the dashboard shows.
 */
final class FakeMesh implements MeshControl {
    static final String ROUTES = """
            {
              "8081": {"name": "Internal-Healthcheck", "protocol": "http", "backends": [
                {"name": "dashboard", "cmd": "internal", "internal_port": "9999"}]},
              "18081": {"name": "Web API", "protocol": "http", "load_balance": "round_robin", "backends": [
                {"name": "api-a", "cmd": "python3", "args": ["app.py", "--port", "9081"],
                 "internal_host": "127.0.0.1", "internal_port": "9081", "start_timeout": "30s"},
                {"name": "api-b", "cmd": "", "internal_host": "127.0.0.1", "internal_port": "9082"}]},
              "18082": {"name": "Echo", "protocol": "stdio", "stdio_mode": "stream", "load_balance": "round_robin",
                "backends": [{"name": "echo", "cmd": "cat"}]}
            }""";

    /** Runtime state of one backend. */
    record Runtime(String status, long pid, String uptime, int inFlight, long served) {
    }

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private volatile ObjectNode routes;
    private volatile int version = 1;
    private final Map<String, Runtime> runtime = new ConcurrentHashMap<>();
    private final Map<String, List<String>> logs = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> subscribers = new CopyOnWriteArrayList<>();
    final List<String> reloads = new CopyOnWriteArrayList<>();
    final List<String> kills = new CopyOnWriteArrayList<>();
    final Map<String, RouteMetrics.Snapshot> metrics = new ConcurrentHashMap<>();

    FakeMesh() {
        try {
            routes = (ObjectNode) json.readTree(ROUTES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        runtime.put("18081:0", new Runtime("Running", 4242, "1m5s", 1, 12));
        logs.put("18081:0", new CopyOnWriteArrayList<>(List.of("api-a listening on 9081", "GET /health 200")));
        metrics.put("18081", new RouteMetrics.Snapshot(12, 1, 1, 2048, 4096, 1.024, 4.096));
        metrics.put("18082", new RouteMetrics.Snapshot(0, 0, 0, 0, 0, 0, 0));
    }

    void setRuntime(String ref, Runtime state) {
        runtime.put(ref, state);
    }

    /** Appends a log line as a backend would and tells the subscribers. */
    void appendLog(String ref, String line) {
        logs.computeIfAbsent(ref, r -> new CopyOnWriteArrayList<>()).add(line);
        subscribers.forEach(s -> s.accept(ref, line));
    }

    int subscriberCount() {
        return subscribers.size();
    }

    JsonNode routes() {
        return routes;
    }

    @Override
    public synchronized Map<String, RouteStatus> status() {
        Map<String, RouteStatus> out = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode route = e.getValue();
            JsonNode backends = route.path("backends");
            if (backends.size() == 1 && backends.get(0).path("cmd").asText().equals("internal")) {
                continue;
            }
            boolean stdio = route.path("protocol").asText("http").equals("stdio");
            List<BackendStatus> list = new ArrayList<>();
            for (int i = 0; i < backends.size(); i++) {
                JsonNode b = backends.get(i);
                String ref = e.getKey() + ":" + i;
                Runtime rt = runtime.getOrDefault(ref,
                        new Runtime(stdio ? "Request-Driven" : "Dormant", 0, "", 0, 0));
                list.add(new BackendStatus(ref, b.path("name").asText(e.getKey() + "-" + i),
                        b.path("internal_host").asText(""), b.path("internal_port").asText(""),
                        rt.status(), rt.pid(), rt.uptime(), rt.inFlight(), rt.served()));
            }
            out.put(e.getKey(), new RouteStatus(route.path("name").asText("Route-" + e.getKey()),
                    route.path("protocol").asText("http"), route.path("stdio_mode").asText(""),
                    route.path("load_balance").asText("round_robin"), list));
        }
        return out;
    }

    @Override
    public List<String> logs(String ref) throws UnknownRefException {
        requireKnown(ref);
        return List.copyOf(logs.getOrDefault(ref, List.of()));
    }

    @Override
    public synchronized String kill(String ref) throws UnknownRefException {
        JsonNode route = requireKnown(ref);
        if (route.path("protocol").asText().equals("stdio")) {
            throw new IllegalStateException("backend " + ref + " is request-driven and has no persistent process to kill");
        }
        Runtime rt = runtime.get(ref);
        if (rt == null || rt.pid() == 0) {
            throw new IllegalStateException("backend " + ref + " has no running process");
        }
        runtime.put(ref, new Runtime("Dormant", 0, "", 0, rt.served()));
        kills.add(ref);
        return "Process killed successfully";
    }

    private JsonNode requireKnown(String ref) throws UnknownRefException {
        String[] parts = ref.split(":");
        if (parts.length == 2) {
            JsonNode route = routes.get(parts[0]);
            if (route != null && parts[1].matches("\\d+") && Integer.parseInt(parts[1]) < route.path("backends").size()) {
                return route;
            }
        }
        throw new UnknownRefException(ref);
    }

    @Override
    public synchronized String configJson() {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(routes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String configVersion() {
        return "v" + version;
    }

    @Override
    public Config config() {
        throw new UnsupportedOperationException("the dashboard must not need the Config record");
    }

    @Override
    public synchronized void reload(String routesJson) throws ConfigException {
        JsonNode node;
        try {
            node = json.readTree(routesJson);
        } catch (JsonProcessingException e) {
            throw new ConfigException("routes are not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ConfigException("routes must be a JSON object from public port to route");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String port = e.getKey();
            if (!port.matches("\\d{1,5}")) {
                throw new ConfigException("route '" + port + "': public port must be a number");
            }
            JsonNode r = e.getValue();
            String lb = r.path("load_balance").asText("round_robin");
            if (!List.of("round_robin", "least_conn", "ip_hash").contains(lb)) {
                throw new ConfigException("route " + port + ": unknown load_balance '" + lb + "'");
            }
            if (!r.path("backends").isArray() || r.path("backends").isEmpty()) {
                throw new ConfigException("route " + port + ": at least one backend is required");
            }
        }
        routes = (ObjectNode) node;
        version++;
        reloads.add(routesJson);
    }

    @Override
    public void reload(Config config) {
        throw new UnsupportedOperationException("the dashboard posts JSON");
    }

    @Override
    public Map<String, RouteMetrics.Snapshot> metrics() {
        return new TreeMap<>(metrics);
    }

    @Override
    public AutoCloseable subscribeLogs(BiConsumer<String, String> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }
}
