package io.gophermesh.engine;

/** What this instance does, decided by whether it could own the dashboard port. */
public enum Role {
    /** Owns the dashboard port: binds routes and supervises backends. */
    MASTER,
    /** Another instance owns the dashboard port: this one serves nothing and exits. */
    WORKER
}
