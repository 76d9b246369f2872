package io.gophermesh.route.stdio;

/** A request the route answers with an error status instead of passing it to a child. */
final class HttpProblem extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  HTTP status for the client
     * @param message short text for the client and the log
     */
    HttpProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    /** {@return HTTP status for the client} */
    int status() {
        return status;
    }
}
