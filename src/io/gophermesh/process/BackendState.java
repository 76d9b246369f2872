package io.gophermesh.process;

/** Life-cycle state of a backend as the dashboard and console show it. */
public enum BackendState {
    /** Not running; the next request starts it (or, for a pure proxy, just connects). */
    DORMANT("Dormant"),
    /** Started, waiting for its port to accept connections. */
    STARTING("Starting"),
    /** Accepting connections. */
    RUNNING("Running"),
    /** Stdio backend: one child per connection or request. */
    REQUEST_DRIVEN("Request-Driven"),
    /** Crashed repeatedly; the next start is delayed. */
    BACKOFF("Backoff"),
    /** Gave up after too many failed starts; needs a kill or a reload. */
    FAILED("Failed");

    private final String label;

    BackendState(String label) {
        this.label = label;
    }

    /** {@return the label used by the API and UI} */
    public String label() {
        return label;
    }
}
