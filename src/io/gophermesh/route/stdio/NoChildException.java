package io.gophermesh.route.stdio;

/** No child could serve an exchange: the route is at its concurrency limit, or nothing could start. */
final class NoChildException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean busy;

    /**
     * @param message what happened, naming the route (and backends)
     * @param busy    true when the route was full, false when no command could be started
     */
    NoChildException(String message, boolean busy) {
        super(message);
        this.busy = busy;
    }

    /** {@return true when the route was at its concurrency limit (the client may retry soon)} */
    boolean busy() {
        return busy;
    }
}
