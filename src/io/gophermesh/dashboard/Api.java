package io.gophermesh.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.engine.UnknownRefException;
import io.gophermesh.route.RouteMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The JSON endpoints under {@code /api}, in the shapes of the Go dashboard. */
final class Api {
    /** Largest routes object accepted by {@code POST /api/config}. */
    static final int MAX_CONFIG_BYTES = 1 << 20;

    private static final Logger LOG = System.getLogger(Api.class.getName());

    private final MeshControl mesh;
    // Makes the If-Match check and the reload one step for requests of this dashboard.
    private final ReentrantLock configLock = new ReentrantLock();

    Api(MeshControl mesh) {
        this.mesh = mesh;
    }

    void status(ServerRequest req, ServerResponse res) {
        Replies.json(res, 200, statusBody(mesh.status()));
    }

    void logs(ServerRequest req, ServerResponse res) {
        String ref = req.path().pathParameters().get("ref");
        try {
            List<String> lines = mesh.logs(ref);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", 200);
            body.put("ref", ref);
            body.put("data", lines);
            Replies.json(res, 200, body);
        } catch (UnknownRefException e) {
            Replies.error(res, 404, e.getMessage());
        }
    }

    void kill(ServerRequest req, ServerResponse res) {
        String ref = req.path().pathParameters().get("ref");
        try {
            String msg = mesh.kill(ref);
            LOG.log(Level.INFO, () -> "dashboard: backend " + ref + " killed on request from " + req.remotePeer().host());
            Replies.ok(res, "msg", msg);
        } catch (UnknownRefException e) {
            Replies.error(res, 404, e.getMessage());
        } catch (IllegalStateException e) {
            Replies.error(res, 500, e.getMessage());
        }
    }

    void getConfig(ServerRequest req, ServerResponse res) {
        String json;
        String etag;
        configLock.lock();
        try {
            // Read both under the lock so the ETag always describes the body beside it.
            json = mesh.configJson();
            etag = etag(mesh.configVersion());
        } finally {
            configLock.unlock();
        }
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.CONTENT_TYPE, Replies.JSON_TYPE);
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }

    void postConfig(ServerRequest req, ServerResponse res) throws IOException {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_CONFIG_BYTES + 1);
        }
        if (body.length > MAX_CONFIG_BYTES) {
            Replies.error(res, 413, "routes object larger than " + MAX_CONFIG_BYTES + " bytes");
            return;
        }
        String ifMatch = req.headers().first(HeaderNames.IF_MATCH).orElse(null);
        configLock.lock();
        try {
            String read = mesh.configVersion();
            String current = etag(read);
            boolean conditional = ifMatch != null && !ifMatch.trim().equals("*");
            // the engine checks the version again as part of the reload: an edit from the console
            // or the file watcher may land between this check and that one
            if (conditional && (!matches(ifMatch, current)
                    || !mesh.reloadIfVersion(new String(body, StandardCharsets.UTF_8), read))) {
                Replies.error(res, 412, "config changed since it was read (If-Match " + ifMatch.trim()
                        + ", now " + etag(mesh.configVersion()) + "): read it again and reapply the edit");
                return;
            }
            if (!conditional) {
                mesh.reload(new String(body, StandardCharsets.UTF_8));
            }
            String version = etag(mesh.configVersion());
            LOG.log(Level.INFO, () -> "dashboard: config reloaded on request from " + req.remotePeer().host()
                    + ", version " + version);
            res.header(HeaderNames.ETAG, version);
            Replies.ok(res, "msg", "Config reloaded successfully");
        } catch (ConfigException e) {
            Replies.error(res, 400, e.getMessage());
        } finally {
            configLock.unlock();
        }
    }

    void metrics(ServerRequest req, ServerResponse res) {
        Map<String, Object> data = new LinkedHashMap<>();
        mesh.metrics().forEach((port, m) -> data.put(port, metricsJson(m)));
        Replies.ok(res, "data", data);
    }

    void prometheus(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, Prometheus.CONTENT_TYPE);
        res.send(Prometheus.format(mesh.metrics(), mesh.status()).getBytes(StandardCharsets.UTF_8));
    }

    static String etag(String version) {
        return "\"" + version.replace("\"", "") + "\"";
    }

    private static boolean matches(String ifMatch, String current) {
        for (String candidate : ifMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(current)) {
                return true;
            }
        }
        return false;
    }

    /** {@return {@code {"code":200,"data":{PORT:route}}} with Go's omissions} */
    static Map<String, Object> statusBody(Map<String, RouteStatus> status) {
        Map<String, Object> data = new LinkedHashMap<>();
        status.forEach((port, route) -> data.put(port, routeJson(route)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 200);
        body.put("data", data);
        return body;
    }

    private static Map<String, Object> routeJson(RouteStatus route) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", nullToEmpty(route.name()));
        out.put("protocol", nullToEmpty(route.protocol()));
        if (route.stdioMode() != null && !route.stdioMode().isEmpty()) {
            out.put("stdioMode", route.stdioMode());
        }
        out.put("loadBalance", nullToEmpty(route.loadBalance()));
        List<Object> backends = new ArrayList<>();
        for (BackendStatus b : route.backends()) {
            backends.add(backendJson(b));
        }
        out.put("backends", backends);
        return out;
    }

    private static Map<String, Object> backendJson(BackendStatus b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ref", nullToEmpty(b.ref()));
        out.put("name", nullToEmpty(b.name()));
        out.put("internalHost", nullToEmpty(b.internalHost()));
        out.put("internalPort", nullToEmpty(b.internalPort()));
        out.put("status", nullToEmpty(b.status()));
        if (b.pid() > 0) {
            out.put("pid", b.pid());
        }
        if (b.nextAttempt() != null && !b.nextAttempt().isEmpty()) {
            out.put("nextAttempt", b.nextAttempt());
        }
        if (b.uptime() != null && !b.uptime().isEmpty()) {
            out.put("uptime", b.uptime());
        }
        out.put("inFlight", b.inFlight());
        out.put("served", b.served());
        return out;
    }

    static Map<String, Object> metricsJson(RouteMetrics.Snapshot m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", m.requests());
        out.put("errors", m.errors());
        out.put("inFlight", m.inFlight());
        out.put("bytesIn", m.bytesIn());
        out.put("bytesOut", m.bytesOut());
        out.put("p50", m.p50Millis());
        out.put("p99", m.p99Millis());
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
