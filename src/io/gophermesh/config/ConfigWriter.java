package io.gophermesh.config;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

/**
 * Writes a config as Go's {@code json.MarshalIndent(cfg, "", "  ")} does: two-space indent,
 * {@code "key": value}, fields in Go's order with ours after them, optional fields left out when
 * unset, durations in Go's form.
 */
final class ConfigWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonGenerator g;

    private ConfigWriter(JsonGenerator generator) {
        this.g = generator;
    }

    /** {@return the whole config document} */
    static String config(Config c) {
        return write(w -> w.writeConfig(c));
    }

    /** {@return the routes object alone} */
    static String routes(Map<String, RouteConfig> routes) {
        return write(w -> w.writeRoutes(routes));
    }

    private interface Body {
        void write(ConfigWriter writer) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(indent)
                .withArrayIndenter(indent);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setPrettyPrinter(pretty);
            body.write(new ConfigWriter(g));
        } catch (IOException e) {
            // A StringWriter does not fail; this would be a bug in the generator.
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private void writeConfig(Config c) throws IOException {
        g.writeStartObject();
        string("dashboard_host", c.dashboardHost());
        string("dashboard_port", c.dashboardPort());
        strings("trusted_origins", c.trustedOrigins());
        nonEmpty("service_name", c.serviceName());
        nonEmpty("internal_port", c.internalPort());
        string("dashboard_token", c.dashboardToken());
        if (c.routes() != null) {
            g.writeFieldName("routes");
            writeRoutes(c.routes());
        }
        g.writeEndObject();
    }

    private void writeRoutes(Map<String, RouteConfig> routes) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, RouteConfig> e : routes.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue;
            }
            g.writeFieldName(e.getKey());
            writeRoute(e.getValue());
        }
        g.writeEndObject();
    }

    private void writeRoute(RouteConfig r) throws IOException {
        g.writeStartObject();
        string("name", r.name());
        string("protocol", r.protocol() == null ? null : r.protocol().wireName());
        string("stdio_mode", r.stdioMode() == null ? null : r.stdioMode().wireName());
        string("load_balance", r.loadBalance() == null ? null : r.loadBalance().wireName());
        if (r.backends() != null) {
            g.writeArrayFieldStart("backends");
            for (BackendConfig b : r.backends()) {
                if (b != null) {
                    writeBackend(b);
                }
            }
            g.writeEndArray();
        }
        number("max_connections", r.maxConnections());
        number("max_concurrency", r.maxConcurrency());
        number("prewarm", r.prewarm());
        duration("request_timeout", r.requestTimeout());
        number("max_header_size", r.maxHeaderSize());
        number("max_body_size", r.maxBodySize());
        duration("idle_timeout", r.idleTimeout());
        duration("header_timeout", r.headerTimeout());
        duration("connect_timeout", r.connectTimeout());
        duration("response_timeout", r.responseTimeout());
        g.writeEndObject();
    }

    private void writeBackend(BackendConfig b) throws IOException {
        g.writeStartObject();
        nonEmpty("name", b.name());
        // Go always writes cmd: an empty one marks a pure proxy.
        g.writeStringField("cmd", b.cmd() == null ? "" : b.cmd());
        if (b.args() != null && !b.args().isEmpty()) {
            strings("args", b.args());
        }
        nonEmpty("internal_host", b.internalHost());
        nonEmpty("internal_port", b.internalPort());
        duration("start_timeout", b.startTimeout());
        duration("idle_timeout", b.idleTimeout());
        number("max_start_failures", b.maxStartFailures());
        g.writeEndObject();
    }

    private void string(String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private void nonEmpty(String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    private void strings(String field, List<String> values) throws IOException {
        if (values == null) {
            return;
        }
        g.writeArrayFieldStart(field);
        for (String v : values) {
            if (v != null) {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }

    private void number(String field, Number value) throws IOException {
        if (value != null) {
            g.writeNumberField(field, value.longValue());
        }
    }

    private void duration(String field, Duration value) throws IOException {
        if (value != null) {
            g.writeStringField(field, GoDuration.format(value));
        }
    }
}
