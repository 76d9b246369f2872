package io.gophermesh.config;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Strict reader of the config document, token by token so that every refusal can say where: an
 * unknown field, a value of the wrong type, a duplicate key or trailing content is refused with its
 * line and column. It yields raw records; {@link ConfigRules} then fills defaults and validates.
 */
final class ConfigParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private static final Set<String> TOP_FIELDS = Set.of("dashboard_host", "dashboard_port", "trusted_origins",
            "service_name", "internal_port", "dashboard_token", "routes");
    private static final Set<String> ROUTE_FIELDS = Set.of("name", "protocol", "stdio_mode", "load_balance",
            "backends", "max_connections", "max_concurrency", "prewarm", "request_timeout", "max_header_size",
            "max_body_size", "idle_timeout", "header_timeout", "connect_timeout", "response_timeout");
    private static final Set<String> BACKEND_FIELDS = Set.of("name", "cmd", "args", "internal_host",
            "internal_port", "start_timeout", "idle_timeout", "max_start_failures");
    /** Fields of the old {@code endpoints} schema, where a route was also its only backend. */
    private static final Set<String> OLD_ENDPOINT_FIELDS = Set.of("cmd", "args", "internal_host", "internal_port");

    private final String source;
    private final JsonParser p;
    /** Where the reader is, innermost first, e.g. {@code route "8081" backend 2}. */
    private final Deque<String> where = new ArrayDeque<>();

    private ConfigParser(String source, JsonParser parser) {
        this.source = source;
        this.p = parser;
    }

    /**
     * @param json   a whole config document
     * @param source name for messages, e.g. the file name
     * @return the config as written, not yet normalised
     * @throws ConfigException naming the line, column and field
     */
    static Config parseConfig(String json, String source) throws ConfigException {
        return read(json, source, ConfigParser::readConfig);
    }

    /**
     * @param json   a routes object
     * @param source name for messages
     * @return the routes as written, in document order, not yet normalised
     * @throws ConfigException naming the line, column and field
     */
    static Map<String, RouteConfig> parseRoutes(String json, String source) throws ConfigException {
        return read(json, source, ConfigParser::readRoutes);
    }

    private interface Body<T> {
        T read(ConfigParser parser) throws IOException, ConfigException;
    }

    private static <T> T read(String json, String source, Body<T> body) throws ConfigException {
        if (json == null || json.isBlank()) {
            throw new ConfigException(source + " is empty");
        }
        ConfigParser reader = null;
        try (JsonParser parser = JSON.createParser(json)) {
            reader = new ConfigParser(source, parser);
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw reader.error(parser.currentTokenLocation(),
                        "the document must be a JSON object, not " + describe(first));
            }
            T value = body.read(reader);
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw reader.error(parser.currentTokenLocation(), "unexpected content after the end of the document");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new ConfigException(at(source, e.getLocation()) + "document is too large or too deeply nested", e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(at(source, e.getLocation()) + syntax(e, reader), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read: " + Quote.line(e.getMessage()), e);
        }
    }

    private Config readConfig() throws IOException, ConfigException {
        String host = null;
        String dashboardPort = null;
        List<String> origins = null;
        String serviceName = null;
        String internalPort = null;
        String token = null;
        Map<String, RouteConfig> routes = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonLocation at = p.currentTokenLocation();
            p.nextToken();
            switch (field) {
                case "dashboard_host" -> host = string(field);
                case "dashboard_port" -> dashboardPort = string(field);
                case "trusted_origins" -> origins = strings(field);
                case "service_name" -> serviceName = string(field);
                case "internal_port" -> internalPort = string(field);
                case "dashboard_token" -> token = string(field);
                case "routes" -> routes = p.currentToken() == JsonToken.VALUE_NULL ? null : readRoutes();
                case "endpoints" -> throw error(at, "unknown field \"endpoints\" at the top level: the endpoints "
                        + "schema was replaced by \"routes\", each route with a \"backends\" list");
                default -> throw unknown(at, field, TOP_FIELDS, "");
            }
        }
        return new Config(host, dashboardPort, origins, serviceName, internalPort, token, routes, null);
    }

    /** Reads the object the parser is on: public port to route. */
    private Map<String, RouteConfig> readRoutes() throws IOException, ConfigException {
        expect(JsonToken.START_OBJECT, "routes", "an object from public port to route");
        where.push("in routes");
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String port = p.currentName();
            p.nextToken();
            expect(JsonToken.START_OBJECT, "route " + Quote.of(port), "an object");
            where.push("in route " + Quote.of(port));
            routes.put(port, readRoute(port));
            where.pop();
        }
        where.pop();
        return routes;
    }

    private RouteConfig readRoute(String port) throws IOException, ConfigException {
        String name = null;
        Protocol protocol = null;
        StdioMode mode = null;
        LoadBalance balance = null;
        List<BackendConfig> backends = null;
        Integer maxConnections = null;
        Integer maxConcurrency = null;
        Integer prewarm = null;
        Long maxHeader = null;
        Long maxBody = null;
        Duration request = null;
        Duration idle = null;
        Duration header = null;
        Duration connect = null;
        Duration response = null;
        String route = "route " + port;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonLocation at = p.currentTokenLocation();
            p.nextToken();
            switch (field) {
                case "name" -> name = string(field);
                case "protocol" -> protocol = ConfigRules.protocol(string(field), route);
                case "stdio_mode" -> mode = ConfigRules.stdioMode(string(field), route);
                case "load_balance" -> balance = ConfigRules.loadBalance(string(field), route);
                case "backends" -> backends = readBackends();
                case "max_connections" -> maxConnections = integer(field);
                case "max_concurrency" -> maxConcurrency = integer(field);
                case "prewarm" -> prewarm = integer(field);
                case "max_header_size" -> maxHeader = longValue(field);
                case "max_body_size" -> maxBody = longValue(field);
                case "request_timeout" -> request = duration(field);
                case "idle_timeout" -> idle = duration(field);
                case "header_timeout" -> header = duration(field);
                case "connect_timeout" -> connect = duration(field);
                case "response_timeout" -> response = duration(field);
                default -> throw unknown(at, field, ROUTE_FIELDS, OLD_ENDPOINT_FIELDS.contains(field)
                        ? ": backend fields belong in the route's \"backends\" list (the endpoints schema was "
                        + "replaced by routes with backends)" : "");
            }
        }
        return new RouteConfig(name, protocol, mode, balance, backends, maxConnections, maxConcurrency, prewarm,
                request, maxHeader, maxBody, idle, header, connect, response);
    }

    private List<BackendConfig> readBackends() throws IOException, ConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(JsonToken.START_ARRAY, "backends", "a list of backends");
        List<BackendConfig> backends = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int index = backends.size() + 1;
            expect(JsonToken.START_OBJECT, "backend " + index, "an object");
            where.push(where.peek() + " backend " + index);
            backends.add(readBackend());
            where.pop();
        }
        return backends;
    }

    private BackendConfig readBackend() throws IOException, ConfigException {
        String name = null;
        String cmd = null;
        List<String> args = null;
        String host = null;
        String port = null;
        Duration start = null;
        Duration idle = null;
        Integer failures = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonLocation at = p.currentTokenLocation();
            p.nextToken();
            switch (field) {
                case "name" -> name = string(field);
                case "cmd" -> cmd = string(field);
                case "args" -> args = strings(field);
                case "internal_host" -> host = string(field);
                case "internal_port" -> port = string(field);
                case "start_timeout" -> start = duration(field);
                case "idle_timeout" -> idle = duration(field);
                case "max_start_failures" -> failures = integer(field);
                default -> throw unknown(at, field, BACKEND_FIELDS, "");
            }
        }
        return new BackendConfig(name, cmd, args, host, port, start, idle, failures);
    }

    /** A string, or null for JSON null (Go reads null as "unset"). */
    private String string(String field) throws IOException, ConfigException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw wrongType(field, "a string");
        };
    }

    private List<String> strings(String field) throws IOException, ConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(JsonToken.START_ARRAY, field, "a list of strings");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw wrongType("\"" + field + "\" entry " + (out.size() + 1), "a string");
            }
            out.add(p.getText());
        }
        return out;
    }

    private Integer integer(String field) throws IOException, ConfigException {
        Long value = longValue(field);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(p.currentTokenLocation(), quoted(field) + " " + value + " is out of range");
        }
        return value.intValue();
    }

    private Long longValue(String field) throws IOException, ConfigException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw error(p.currentTokenLocation(), quoted(field) + " " + p.getText() + " is out of range");
                }
                yield p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> throw error(p.currentTokenLocation(),
                    quoted(field) + " must be a whole number, not " + p.getText());
            default -> throw wrongType(field, "a whole number");
        };
    }

    private Duration duration(String field) throws IOException, ConfigException {
        String text = string(field);
        if (text == null) {
            return null;
        }
        try {
            return GoDuration.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw error(p.currentTokenLocation(), quoted(field) + ": " + e.getMessage());
        }
    }

    private void expect(JsonToken token, String what, String kind) throws ConfigException {
        if (p.currentToken() != token) {
            throw wrongType(what, kind);
        }
    }

    private ConfigException wrongType(String field, String kind) {
        return error(p.currentTokenLocation(),
                quoted(field) + context() + " must be " + kind + ", not " + describe(p.currentToken()));
    }

    private ConfigException unknown(JsonLocation at, String field, Set<String> known, String hint) {
        String suggestion = "";
        for (String k : known) {
            if (k.equalsIgnoreCase(field) || k.equals(field.strip().toLowerCase(Locale.ROOT).replace('-', '_'))) {
                suggestion = " (did you mean \"" + k + "\"?)";
            }
        }
        String place = where.isEmpty() ? " at the top level" : context();
        return error(at, "unknown field " + Quote.of(field) + place + suggestion + hint);
    }

    private String currentName() {
        // Read after the parser is closed: it keeps its last state.
        try {
            String name = p.currentName();
            return name == null ? "" : name;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private String context() {
        return where.isEmpty() ? "" : " " + where.peek();
    }

    private ConfigException error(JsonLocation at, String message) {
        return new ConfigException(at(source, at) + message);
    }

    /** Field names are quoted; labels such as {@code backend 2} are already readable. */
    private static String quoted(String field) {
        return field.matches("[a-z_]+") ? "\"" + field + "\"" : field;
    }

    private static String at(String source, JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return source + ": ";
        }
        return source + " line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    }

    /** Jackson's own words for a syntax error, cut to one line without its source excerpt. */
    private static String syntax(JsonProcessingException e, ConfigParser reader) {
        String message = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage();
        String context = reader == null ? "" : reader.context();
        if (message.startsWith("Duplicate")) {
            // The parser stops on the repeated name itself.
            String name = reader == null ? "" : reader.currentName();
            return "duplicate field " + Quote.of(name) + (context.isEmpty() ? " at the top level" : context);
        }
        message = message.replaceAll("\\s+", " ")
                .replaceAll(" ?\\(for Object starting at \\[.*$", "")
                .replaceAll(" ?\\[Source:.*$", "")
                .replaceAll(" ?\\(start marker at .*$", "")
                .strip();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return "invalid JSON: " + Quote.line(message);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
