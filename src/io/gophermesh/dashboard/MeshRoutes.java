package io.gophermesh.dashboard;

import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.engine.Healthz;
import io.gophermesh.engine.HealthzOptions;
import io.gophermesh.engine.MeshControl;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Every path of the dashboard, relative to where it is mounted. Reads top to bottom: the guard of
 * each path first, then the handlers, then 405 for known paths with another method and a JSON 404
 * for the rest of {@code /api}. Only these paths are touched, so the service can share a routing
 * (even its root) with an application's own routes.
 */
final class MeshRoutes implements HttpService {
    private final Guard guard;
    private final Api api;
    private final EventStream events;
    private final Login login;
    private final StaticFiles files;
    private final byte[] health;

    MeshRoutes(MeshControl mesh, Guard guard, Login login, HealthzOptions healthz,
               java.time.Duration keepAlive, AtomicBoolean closed) {
        this.guard = guard;
        this.api = new Api(mesh);
        this.events = new EventStream(mesh, keepAlive, closed);
        this.login = login;
        this.files = new StaticFiles();
        this.health = Healthz.json(healthz);
    }

    /** {@return event streams open now} */
    int openStreams() {
        return events.open();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/", guard.zone(Guard.Zone.UI));
        for (String name : StaticFiles.NAMES) {
            rules.any("/" + name, guard.zone(Guard.Zone.UI));
        }
        rules.any("/login", guard.zone(Guard.Zone.LOGIN));
        rules.any("/api", guard.zone(Guard.Zone.API));
        rules.any("/api/*", guard.zone(Guard.Zone.API));
        rules.any("/metrics", guard.zone(Guard.Zone.API));
        rules.any("/healthz", guard.zone(Guard.Zone.OPEN));

        rules.get("/", this::index);
        for (String name : StaticFiles.NAMES) {
            rules.get("/" + name, (req, res) -> files.send(name, req, res));
        }
        rules.get("/login", login::link);
        rules.post("/login", login::form);
        rules.get("/api/status", api::status);
        rules.get("/api/logs/{ref}", api::logs);
        rules.delete("/api/process/{ref}", api::kill);
        rules.get("/api/config", api::getConfig);
        rules.post("/api/config", api::postConfig);
        rules.get("/api/events", events::handle);
        rules.get("/api/metrics", api::metrics);
        rules.get("/metrics", api::prometheus);
        rules.get("/healthz", this::health);

        rules.any("/", notAllowed("GET"));
        for (String name : StaticFiles.NAMES) {
            rules.any("/" + name, notAllowed("GET"));
        }
        rules.any("/login", notAllowed("GET, POST"));
        rules.any("/api/status", notAllowed("GET"));
        rules.any("/api/logs/{ref}", notAllowed("GET"));
        rules.any("/api/process/{ref}", notAllowed("DELETE"));
        rules.any("/api/config", notAllowed("GET, POST"));
        rules.any("/api/events", notAllowed("GET"));
        rules.any("/api/metrics", notAllowed("GET"));
        rules.any("/metrics", notAllowed("GET"));
        rules.any("/healthz", notAllowed("GET"));
        rules.any("/api", MeshRoutes::notFound);
        rules.any("/api/*", MeshRoutes::notFound);
    }

    private void index(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().rawPath();
        if (!path.endsWith("/")) {
            // The UI uses relative URLs, which need the trailing slash under a context path.
            res.status(301);
            res.header(HeaderNames.LOCATION, path + "/");
            res.send();
            return;
        }
        files.send("index.html", req, res);
    }

    private void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, Replies.JSON_TYPE);
        res.send(health);
    }

    private static Handler notAllowed(String allow) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allow);
            Replies.error(res, 405, "method " + req.prologue().method().text() + " not allowed on "
                    + req.path().absolute().path() + "; allowed: " + allow);
        };
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        Replies.error(res, 404, "no such endpoint: " + req.path().absolute().path());
    }
}
