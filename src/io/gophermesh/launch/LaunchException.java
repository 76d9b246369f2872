package io.gophermesh.launch;

/**
 * A launch URL, config path or port that is refused. The message is meant for the user as it is:
 * it says what was refused and why, with any echoed input made printable.
 */
public final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused and why
     */
    public LaunchException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was refused and why
     * @param cause   the underlying failure
     */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
