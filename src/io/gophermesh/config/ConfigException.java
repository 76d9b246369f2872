package io.gophermesh.config;

/**
 * A config that cannot be used. The message is meant for the user as it is: it names the route,
 * backend, field, or line and column concerned.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong and where
     * @param cause   the underlying failure
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
