package io.gophermesh.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One backend of a route: the program that does the work and, for {@code http} and {@code tcp}
 * routes, the local address it listens on.
 *
 * <p>{@code cmd} empty means a pure proxy (never spawned); {@code "internal"} means the mesh answers
 * health JSON itself. Durations are written in Go's form ({@code "500ms"}, {@code "30s"}); a
 * {@code null} optional field means "use the default" and is not written back to the file.
 *
 * @param name         display name; defaults to {@code <route name>-<n>}
 * @param cmd          program to start on demand, {@code ""} or {@code "internal"}
 * @param args         program arguments, never {@code null} after normalisation
 * @param internalHost host the backend listens on (default {@code 127.0.0.1}); empty for stdio
 * @param internalPort port the backend listens on; empty for stdio
 * @param startTimeout how long a cold start may take before the process is killed (default 30s)
 * @param idleTimeout  stop a managed backend after this long without traffic ({@code null}: never)
 * @param maxStartFailures failed starts in a row before the backend is marked Failed (default 5)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "cmd", "args", "internal_host", "internal_port"})
public record BackendConfig(
        @JsonProperty("name") String name,
        @JsonProperty("cmd") String cmd,
        @JsonProperty("args") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> args,
        @JsonProperty("internal_host") @JsonInclude(JsonInclude.Include.NON_EMPTY) String internalHost,
        @JsonProperty("internal_port") @JsonInclude(JsonInclude.Include.NON_EMPTY) String internalPort,
        @JsonProperty("start_timeout") Duration startTimeout,
        @JsonProperty("idle_timeout") Duration idleTimeout,
        @JsonProperty("max_start_failures") Integer maxStartFailures) {

    /** The value of {@code cmd} that makes the mesh answer health JSON itself. */
    public static final String INTERNAL = "internal";
    /** Default for {@link #startTimeout()}. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** Default for {@link #maxStartFailures()}. */
    public static final int DEFAULT_MAX_START_FAILURES = 5;

    /** {@return true when the mesh answers this backend itself} */
    public boolean isInternal() {
        return INTERNAL.equals(cmd);
    }

    /** {@return true when the mesh starts this backend on demand} */
    public boolean isManaged() {
        return cmd != null && !cmd.isEmpty() && !isInternal();
    }

    /** {@return the start timeout in force} */
    public Duration effectiveStartTimeout() {
        return startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
    }

    /** {@return failed starts in a row tolerated before the backend shows Failed} */
    public int effectiveMaxStartFailures() {
        return maxStartFailures == null ? DEFAULT_MAX_START_FAILURES : maxStartFailures;
    }

    /** {@return the program and its arguments, as the mesh starts them; only for a backend with a cmd} */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(cmd);
        if (args != null) {
            command.addAll(args);
        }
        return command;
    }

    /** {@return the backend port as a number; only valid for http and tcp backends} */
    public int port() {
        return Integer.parseInt(internalPort);
    }
}
