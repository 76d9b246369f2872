package io.gophermesh.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The whole mesh configuration, in the {@code routes + backends} schema of the Go GopherMesh.
 * Instances returned by {@link #load}, {@link #parse} and {@link #normalize} are normalised and
 * valid; {@code routes} is sorted by port number.
 *
 * @param dashboardHost  dashboard bind address (default 127.0.0.1)
 * @param dashboardPort  dashboard port as a string (default "9999")
 * @param trustedOrigins CORS allow list of the http routes (default {@code ["*"]})
 * @param serviceName    optional display name
 * @param internalPort   kept for compatibility with the Go schema
 * @param dashboardToken API token; {@code null} means generated at start when the dashboard is not on loopback
 * @param routes         public port to route
 * @param configPath     where this config was loaded from, {@code null} if not from a file; never serialised
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"dashboard_host", "dashboard_port", "trusted_origins", "service_name", "internal_port", "routes"})
public record Config(
        @JsonProperty("dashboard_host") String dashboardHost,
        @JsonProperty("dashboard_port") String dashboardPort,
        @JsonProperty("trusted_origins") List<String> trustedOrigins,
        @JsonProperty("service_name") @JsonInclude(JsonInclude.Include.NON_EMPTY) String serviceName,
        @JsonProperty("internal_port") @JsonInclude(JsonInclude.Include.NON_EMPTY) String internalPort,
        @JsonProperty("dashboard_token") String dashboardToken,
        @JsonProperty("routes") Map<String, RouteConfig> routes,
        @JsonIgnore Path configPath) {

    /** Default dashboard port. */
    public static final String DEFAULT_DASHBOARD_PORT = "9999";
    /** Default dashboard host. */
    public static final String DEFAULT_DASHBOARD_HOST = "127.0.0.1";

    /**
     * Loads, normalises and validates a config file. A missing file is created with
     * {@link #defaults()} and that config is returned.
     *
     * @param path config file
     * @return normalised config with {@link #configPath()} set
     * @throws ConfigException when the file cannot be read, parsed or validated
     */
    public static Config load(Path path) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Strictly parses a whole config document, then normalises and validates it.
     *
     * @param json config text
     * @return normalised config, {@link #configPath()} {@code null}
     * @throws ConfigException naming the field, line and column, or the route and backend
     */
    public static Config parse(String json) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Strictly parses a routes object (what the dashboard posts) and returns this config with those
     * routes, normalised and validated.
     *
     * @param routesJson a JSON object from public port to route
     * @return new config; this one is unchanged
     * @throws ConfigException as for {@link #parse}
     */
    public Config withRoutesJson(String routesJson) throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * @return the default config: loopback dashboard on 9999 and an internal health route on 8081
     */
    public static Config defaults() {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Fills defaults and checks every rule of the schema.
     *
     * @return normalised copy
     * @throws ConfigException naming the route and backend concerned
     */
    public Config normalize() throws ConfigException {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * Writes the config atomically (temp file in the same folder, fsync, rename). On failure no
     * temp file is left and the old file is intact.
     *
     * @param path target file
     * @param config config to write
     * @throws IOException when writing fails
     */
    public static void save(Path path, Config config) throws IOException {
        throw new UnsupportedOperationException("todo");
    }

    /** @return this config as pretty-printed JSON, as {@link #save} writes it */
    public String toJson() {
        throw new UnsupportedOperationException("todo");
    }

    /** @return the routes object alone as pretty-printed JSON */
    public String routesJson() {
        throw new UnsupportedOperationException("todo");
    }

    /**
     * @param path new config path
     * @return copy with another {@link #configPath()}
     */
    public Config withConfigPath(Path path) {
        return new Config(dashboardHost, dashboardPort, trustedOrigins, serviceName, internalPort,
                dashboardToken, routes, path);
    }

    /** @return the dashboard port as a number */
    public int dashboardPortNumber() {
        return Integer.parseInt(dashboardPort);
    }
}
