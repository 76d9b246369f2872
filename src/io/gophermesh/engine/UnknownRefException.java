package io.gophermesh.engine;

/** A backend ref ({@code PORT:INDEX}, or an internal port) that names no backend. */
public final class UnknownRefException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a ref as given.
     *
     * @param ref the ref as given
     */
    public UnknownRefException(String ref) {
        super("unknown backend ref '" + ref + "': expected PORT:INDEX of a configured backend");
    }
}
