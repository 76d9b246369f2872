package io.gophermesh.dashboard;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.route.RouteMetrics;

/** The route counters in the Prometheus text exposition format (version 0.0.4). */
final class Prometheus {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Family(String name, String type, String help, ToDoubleFunction<RouteMetrics.Snapshot> value) {
    }

    private static final List<Family> ROUTE_FAMILIES = List.of(
            new Family("gophermesh_requests_total", "counter", "Exchanges started on the route.",
                    RouteMetrics.Snapshot::requests),
            new Family("gophermesh_errors_total", "counter", "Exchanges that ended in an error for the client.",
                    RouteMetrics.Snapshot::errors),
            new Family("gophermesh_in_flight", "gauge", "Exchanges in progress on the route.",
                    RouteMetrics.Snapshot::inFlight),
            new Family("gophermesh_bytes_in_total", "counter", "Bytes received from clients.",
                    RouteMetrics.Snapshot::bytesIn),
            new Family("gophermesh_bytes_out_total", "counter", "Bytes sent to clients.",
                    RouteMetrics.Snapshot::bytesOut),
            new Family("gophermesh_latency_p50_seconds", "gauge", "Median exchange latency (bucket upper bound).",
                    m -> m.p50Millis() / 1000.0),
            new Family("gophermesh_latency_p99_seconds", "gauge", "99th percentile exchange latency (bucket upper bound).",
                    m -> m.p99Millis() / 1000.0));

    private Prometheus() {
    }

    static String format(Map<String, RouteMetrics.Snapshot> metrics, Map<String, RouteStatus> status) {
        StringBuilder out = new StringBuilder(1024);
        for (Family f : ROUTE_FAMILIES) {
            header(out, f.name(), f.type(), f.help());
            metrics.forEach((port, m) -> out.append(f.name()).append("{route=\"").append(escape(port)).append("\"} ")
                    .append(number(f.value().applyAsDouble(m))).append('\n'));
        }
        header(out, "gophermesh_backend_in_flight", "gauge", "Exchanges in progress on the backend.");
        eachBackend(status, out, "gophermesh_backend_in_flight", b -> b.inFlight());
        header(out, "gophermesh_backend_served_total", "counter", "Exchanges the backend finished.");
        eachBackend(status, out, "gophermesh_backend_served_total", b -> b.served());
        header(out, "gophermesh_backend_running", "gauge", "1 when the backend's status is Running.");
        eachBackend(status, out, "gophermesh_backend_running", b -> "Running".equals(b.status()) ? 1 : 0);
        return out.toString();
    }

    private static void eachBackend(Map<String, RouteStatus> status, StringBuilder out, String name,
                                    ToDoubleFunction<BackendStatus> value) {
        status.forEach((port, route) -> {
            for (BackendStatus b : route.backends()) {
                out.append(name).append("{route=\"").append(escape(port)).append("\",backend=\"")
                        .append(escape(b.name() == null ? "" : b.name())).append("\"} ")
                        .append(number(value.applyAsDouble(b))).append('\n');
            }
        });
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
