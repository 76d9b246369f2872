package io.gophermesh.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gophermesh.config.GoDuration;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;
import io.gophermesh.process.BackendState;
import io.gophermesh.process.ProcessSnapshot;
import io.gophermesh.route.Backend;
import io.gophermesh.route.Route;
import io.gophermesh.route.RouteContext;

/**
 * Turns the running routes into the status records the dashboard and console show. One per engine:
 * it remembers when it last probed each pure-proxy backend, because the dashboard asks for the
 * status every half second per open page and a connect per backend each time would load them.
 */
final class StatusView {
    private static final int PROBE_TIMEOUT_MILLIS = 200;
    private static final long PROBE_TTL_NANOS = Duration.ofSeconds(2).toNanos();

    private record Probe(long atNanos, boolean up) {
    }

    private final Map<Backend, Probe> probes = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    Map<String, RouteStatus> of(Map<Integer, Route> routes) {
        Map<String, RouteStatus> out = new LinkedHashMap<>();
        for (Route route : routes.values()) {
            RouteContext ctx = route.context();
            RouteConfig rc = ctx.config();
            if (rc.isInternal()) {
                continue;
            }
            List<BackendStatus> backends = new ArrayList<>(ctx.backends().size());
            for (Backend b : ctx.backends()) {
                backends.add(backend(rc, b));
            }
            out.put(String.valueOf(ctx.port()), new RouteStatus(rc.name(), rc.protocol().wireName(),
                    rc.stdioMode() == null ? "" : rc.stdioMode().wireName(), rc.loadBalance().wireName(),
                    List.copyOf(backends)));
        }
        return out;
    }

    private BackendStatus backend(RouteConfig rc, Backend b) {
        String host = rc.protocol() == Protocol.STDIO ? "" : nullToEmpty(b.config().internalHost());
        String port = rc.protocol() == Protocol.STDIO ? "" : nullToEmpty(b.config().internalPort());
        String status;
        long pid = 0;
        String uptime = "";
        String nextAttempt = "";
        if (rc.protocol() == Protocol.STDIO) {
            status = BackendState.REQUEST_DRIVEN.label();
        } else if (b.process() != null) {
            ProcessSnapshot snap = b.process().snapshot();
            status = snap.state().label();
            pid = snap.pid();
            if (snap.startedAt() != null) {
                uptime = goDuration(Duration.between(snap.startedAt(), Instant.now()));
            }
            if (snap.nextAttempt() != null) {
                nextAttempt = snap.nextAttempt().toString();
            }
        } else {
            // a pure proxy has no process: it is Running when something answers on its port
            status = accepting(b) ? BackendState.RUNNING.label() : BackendState.DORMANT.label();
        }
        return new BackendStatus(b.ref(), b.config().name(), host, port, status, pid, uptime, b.inFlight(), b.served(),
                nextAttempt);
    }

    private boolean accepting(Backend b) {
        if (b.address() == null) {
            return false;
        }
        long now = System.nanoTime();
        Probe last = probes.get(b);
        if (last != null && now - last.atNanos() < PROBE_TTL_NANOS) {
            return last.up();
        }
        boolean up = probe(b);
        probes.put(b, new Probe(now, up));
        return up;
    }

    private static boolean probe(Backend b) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(b.address().getHostString(), b.address().getPort()), PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Go's {@code time.Since(start).Round(time.Second).String()}: {@code 0s}, {@code 45s}, {@code 1h2m3s}. */
    static String goDuration(Duration d) {
        return GoDuration.format(Duration.ofSeconds(Math.max(0, Math.round(d.toMillis() / 1000.0))));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
