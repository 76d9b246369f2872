package io.gophermesh.engine;

/**
 * One backend as the dashboard API shows it (field names are the JSON names of the Go version).
 *
 * @param ref          {@code PORT:INDEX}
 * @param name         backend name
 * @param internalHost backend host, empty for stdio
 * @param internalPort backend port, empty for stdio
 * @param status       Dormant, Starting, Running, Request-Driven, Backoff or Failed
 * @param pid          process id, 0 when none
 * @param uptime       e.g. {@code 1h2m3s}, empty when not running
 * @param inFlight     exchanges in progress (stdio: children running now)
 * @param served       exchanges finished (stdio: children served so far)
 * @param nextAttempt  in Backoff: when the next start may happen (ISO-8601 instant), else empty
 */
public record BackendStatus(String ref, String name, String internalHost, String internalPort, String status,
                            long pid, String uptime, int inFlight, long served, String nextAttempt) {

    /**
     * A status outside Backoff.
     *
     * @param ref          {@code PORT:INDEX}
     * @param name         backend name
     * @param internalHost backend host, empty for stdio
     * @param internalPort backend port, empty for stdio
     * @param status       state label
     * @param pid          process id, 0 when none
     * @param uptime       uptime text, empty when not running
     * @param inFlight     exchanges in progress
     * @param served       exchanges finished
     */
    public BackendStatus(String ref, String name, String internalHost, String internalPort, String status,
                         long pid, String uptime, int inFlight, long served) {
        this(ref, name, internalHost, internalPort, status, pid, uptime, inFlight, served, "");
    }
}
