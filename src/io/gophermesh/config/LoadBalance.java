package io.gophermesh.config;

import java.util.Locale;

/** Backend selection strategy of a route. */
public enum LoadBalance {
    /** Rotating starting point. */
    ROUND_ROBIN,
    /** Fewest in-flight exchanges first. */
    LEAST_CONN,
    /** FNV-1a hash of the client IP picks the starting backend. */
    IP_HASH;

    /** {@return the name used in config files} */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
