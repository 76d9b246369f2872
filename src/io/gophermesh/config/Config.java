package io.gophermesh.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        if (path == null) {
            throw new ConfigException("no config path given");
        }
        String file = Quote.line(path.getFileName() == null ? path.toString() : path.getFileName().toString());
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            Config created = defaults();
            try {
                Path folder = path.toAbsolutePath().getParent();
                if (folder != null) {
                    // a first run with --conf ~/.config/mesh/config.json should just work
                    Files.createDirectories(folder);
                }
                save(path, created);
            } catch (IOException | RuntimeException saveFailure) {
                throw new ConfigException(
                        Quote.line("cannot create default config " + path + ": " + describe(saveFailure)), saveFailure);
            }
            System.getLogger(Config.class.getName()).log(System.Logger.Level.INFO,
                    "config {0} did not exist: created it with the defaults", path);
            return created.withConfigPath(path);
        } catch (MalformedInputException e) {
            throw new ConfigException(Quote.line(path + " is not UTF-8 text"), e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(Quote.line("cannot read config " + path + ": " + describe(e)), e);
        }
        // Editors on Windows may start the file with a byte order mark; it is not part of the JSON.
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Config raw = ConfigParser.parseConfig(text, file);
        try {
            return ConfigRules.normalize(raw.withConfigPath(path));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Strictly parses a whole config document, then normalises and validates it.
     *
     * @param json config text
     * @return normalised config, {@link #configPath()} {@code null}
     * @throws ConfigException naming the field, line and column, or the route and backend
     */
    public static Config parse(String json) throws ConfigException {
        return ConfigRules.normalize(ConfigParser.parseConfig(json, "config"));
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
        Map<String, RouteConfig> parsed = ConfigParser.parseRoutes(routesJson, "routes");
        return ConfigRules.normalize(new Config(dashboardHost, dashboardPort, trustedOrigins, serviceName,
                internalPort, dashboardToken, parsed, configPath));
    }

    /** {@return the default config: loopback dashboard on 9999 and an internal health route on 8081} */
    public static Config defaults() {
        try {
            return ConfigRules.normalize(new Config(null, null, null, null, null, null, null, null));
        } catch (ConfigException e) {
            throw new IllegalStateException("the default config is invalid", e);
        }
    }

    /**
     * Fills defaults and checks every rule of the schema.
     *
     * @return normalised copy
     * @throws ConfigException naming the route and backend concerned
     */
    public Config normalize() throws ConfigException {
        return ConfigRules.normalize(this);
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
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(config, "config");
        AtomicFile.write(path, config.toJson() + "\n");
    }

    /** {@return this config as pretty-printed JSON, as {@link #save} writes it} */
    public String toJson() {
        return ConfigWriter.config(this);
    }

    /** {@return the routes object alone as pretty-printed JSON} */
    public String routesJson() {
        return ConfigWriter.routes(routes == null ? Map.of() : routes);
    }

    /**
     * Returns this config with another {@link #configPath()}.
     *
     * @param path new config path
     * @return copy with another {@link #configPath()}
     */
    public Config withConfigPath(Path path) {
        return new Config(dashboardHost, dashboardPort, trustedOrigins, serviceName, internalPort,
                dashboardToken, routes, path);
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** {@return the dashboard port as a number} */
    public int dashboardPortNumber() {
        return Integer.parseInt(dashboardPort);
    }
}
