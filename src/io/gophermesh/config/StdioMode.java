package io.gophermesh.config;

import java.util.Locale;

/** How a stdio route frames what it passes to a child. */
public enum StdioMode {
    /** Raw bytes both ways. */
    STREAM,
    /** The raw HTTP request on stdin, stdout streamed back as a chunked 200. */
    HTTP,
    /** Peek the first bytes: HTTP goes to {@link #HTTP}, anything else to {@link #STREAM}. */
    AUTO,
    /** A CGI/1.1 gateway after RFC 3875. */
    CGI;

    /** {@return the name used in config files} */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
