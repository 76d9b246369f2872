package io.gophermesh.route.http;

/**
 * The client side of an exchange failed (it went away, or its body broke a limit). Carries the
 * original exception, which the web server turns into the right answer or a closed connection.
 */
final class ClientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientFailure(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }

    /** {@return the original exception as an unchecked one} */
    RuntimeException unwrap() {
        Throwable c = getCause();
        if (c instanceof RuntimeException r) {
            return r;
        }
        return new java.io.UncheckedIOException(c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
}
