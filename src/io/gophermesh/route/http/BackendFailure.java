package io.gophermesh.route.http;

/** A backend did not complete an exchange; {@link #kind()} says what the proxy may still do. */
final class BackendFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** How far the exchange got. */
    enum Kind {
        /** No connection could be made, even after asking a managed backend to start. */
        NOT_READY,
        /** A pooled connection turned out to be closed before any response byte. */
        STALE,
        /** The backend failed before the client received anything. */
        BROKEN,
        /** The backend sent no response head within the response timeout. */
        TIMEOUT,
        /** The backend failed after part of the response reached the client. */
        ABORTED
    }

    private final Kind kind;
    private final transient io.gophermesh.process.ColdStartException coldStart;

    BackendFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    BackendFailure(Kind kind, String message, io.gophermesh.process.ColdStartException coldStart) {
        super(message, null, false, false);
        this.kind = kind;
        this.coldStart = coldStart;
    }

    Kind kind() {
        return kind;
    }

    /** {@return the cold start failure behind a {@link Kind#NOT_READY}, if that was the cause} */
    io.gophermesh.process.ColdStartException coldStart() {
        return coldStart;
    }
}
