package io.gophermesh.config;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The rule of one public port. Fields after {@code backends} are optional additions of this
 * implementation; {@code null} means the default, and such a field is not written back to the file.
 *
 * @param name            display name; defaults to {@code Route-<port>}
 * @param protocol        http (default), tcp or stdio
 * @param stdioMode       stream (default), http, auto or cgi; {@code null} unless protocol is stdio
 * @param loadBalance     round_robin (default), least_conn or ip_hash
 * @param backends        at least one
 * @param maxConnections  client connections at once (default 10000)
 * @param maxConcurrency  stdio children at once (default 64)
 * @param prewarm         stdio stream: children kept started and waiting (default 0)
 * @param requestTimeout  stdio: kill a child that runs longer ({@code null}: no limit)
 * @param maxHeaderSize   http: request header block limit in bytes (default 16384; 431 beyond)
 * @param maxBodySize     http: request body limit in bytes ({@code null}: no limit; 413 beyond)
 * @param idleTimeout     client connection idle timeout (http default 5m, tcp default none)
 * @param headerTimeout   http: time a client has to send its request head (default 30s)
 * @param connectTimeout  time to connect to a ready backend (default 5s)
 * @param responseTimeout http: time a backend has to send its response head (default none; 504)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "protocol", "stdio_mode", "load_balance", "backends"})
public record RouteConfig(
        @JsonProperty("name") String name,
        @JsonProperty("protocol") Protocol protocol,
        @JsonProperty("stdio_mode") StdioMode stdioMode,
        @JsonProperty("load_balance") LoadBalance loadBalance,
        @JsonProperty("backends") List<BackendConfig> backends,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("max_concurrency") Integer maxConcurrency,
        @JsonProperty("prewarm") Integer prewarm,
        @JsonProperty("request_timeout") Duration requestTimeout,
        @JsonProperty("max_header_size") Long maxHeaderSize,
        @JsonProperty("max_body_size") Long maxBodySize,
        @JsonProperty("idle_timeout") Duration idleTimeout,
        @JsonProperty("header_timeout") Duration headerTimeout,
        @JsonProperty("connect_timeout") Duration connectTimeout,
        @JsonProperty("response_timeout") Duration responseTimeout) {

    /** Default for {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Default for {@link #maxConcurrency()}. */
    public static final int DEFAULT_MAX_CONCURRENCY = 64;
    /** Default for {@link #maxHeaderSize()}. */
    public static final long DEFAULT_MAX_HEADER_SIZE = 16_384;
    /** Default for {@link #headerTimeout()}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    /** Default for {@link #idleTimeout()} on http routes. */
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default for {@link #connectTimeout()}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** {@return true when this route is served by the mesh's own health handler} */
    public boolean isInternal() {
        return backends.size() == 1 && backends.getFirst().isInternal();
    }

    /** {@return connections at once in force} */
    public int effectiveMaxConnections() {
        return maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
    }

    /** {@return stdio children at once in force} */
    public int effectiveMaxConcurrency() {
        return maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : maxConcurrency;
    }

    /** {@return warm children in force} */
    public int effectivePrewarm() {
        return prewarm == null ? 0 : prewarm;
    }

    /** {@return header block limit in force} */
    public long effectiveMaxHeaderSize() {
        return maxHeaderSize == null ? DEFAULT_MAX_HEADER_SIZE : maxHeaderSize;
    }

    /** {@return header read timeout in force} */
    public Duration effectiveHeaderTimeout() {
        return headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
    }

    /** {@return backend connect timeout in force} */
    public Duration effectiveConnectTimeout() {
        return connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    }

    /** {@return client idle timeout in force, {@code null} for none} */
    public Duration effectiveIdleTimeout() {
        if (idleTimeout != null) {
            return idleTimeout;
        }
        return protocol == Protocol.HTTP ? DEFAULT_HTTP_IDLE_TIMEOUT : null;
    }
}
