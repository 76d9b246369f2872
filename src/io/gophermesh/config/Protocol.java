package io.gophermesh.config;

import java.util.Locale;

/** How a route talks to its clients and backends. */
public enum Protocol {
    /** Layer 7 reverse proxy. */
    HTTP,
    /** Layer 4 byte pipe. */
    TCP,
    /** One child process per connection or request, bridged to its stdin and stdout. */
    STDIO;

    /** {@return the name used in config files} */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
