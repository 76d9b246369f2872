package io.gophermesh.engine;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.route.RouteMetrics;

/**
 * What the dashboard and the console may see and steer. {@link Engine} implements it; tests of the
 * dashboard and console may use a fake.
 */
public interface MeshControl {

    /** {@return public port to route status, sorted by port, internal routes left out} */
    Map<String, RouteStatus> status();

    /**
     * Returns a backend's log lines.
     *
     * @param ref {@code PORT:INDEX} (an internal port is also accepted)
     * @return the backend's log lines, oldest first
     * @throws UnknownRefException when the ref names no backend
     */
    List<String> logs(String ref) throws UnknownRefException;

    /**
     * Stops a managed backend's process tree.
     *
     * @param ref {@code PORT:INDEX}
     * @return a message for the user
     * @throws UnknownRefException when the ref names no backend
     * @throws IllegalStateException when the backend has no process to kill (stdio, pure proxy,
     *                               internal, not running); the message says which
     */
    String kill(String ref) throws UnknownRefException;

    /** {@return the routes object of the config in force, pretty-printed JSON} */
    String configJson();

    /** {@return an opaque version of the config in force, changed by every applied reload} */
    String configVersion();

    /** {@return the config in force} */
    Config config();

    /**
     * Validates a routes object, applies it as a diff, then persists the whole config atomically.
     * Nothing changes (runtime or file) unless all of it can be applied.
     *
     * @param routesJson a JSON object from public port to route
     * @throws ConfigException what is wrong, naming route, backend, field or port
     */
    void reload(String routesJson) throws ConfigException;

    /**
     * Same as {@link #reload(String)}, but only while the config in force still has version
     * {@code expectedVersion}: the check and the reload are one step, so two editors that read the
     * same version cannot both apply their edit.
     *
     * @param routesJson      a JSON object from public port to route
     * @param expectedVersion the {@link #configVersion()} the edit was based on
     * @return {@code false}, with nothing changed, when the version has moved on
     * @throws ConfigException what is wrong, naming route, backend, field or port
     */
    default boolean reloadIfVersion(String routesJson, String expectedVersion) throws ConfigException {
        if (!configVersion().equals(expectedVersion)) {
            return false;
        }
        reload(routesJson);
        return true;
    }

    /**
     * Same as {@link #reload(String)} for a whole config (console {@code reload FILE}, file watcher).
     *
     * @param config new config, already parsed
     * @throws ConfigException what cannot be applied
     */
    void reload(Config config) throws ConfigException;

    /** {@return public port to the route's counters} */
    Map<String, RouteMetrics.Snapshot> metrics();

    /**
     * Subscribes to the log lines of every backend.
     *
     * @param listener called with (ref, line) for every new log line of every backend; must not block
     * @return closing it unsubscribes
     */
    AutoCloseable subscribeLogs(BiConsumer<String, String> listener);
}
