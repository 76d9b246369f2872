package io.gophermesh.engine;

import java.util.Map;

/**
 * What the health answer of internal routes contains besides the reserved keys.
 *
 * @param version reported version; blank means {@link Healthz#DEFAULT_VERSION}
 * @param fields  extra fields; keys {@code ok}, {@code status}, {@code mesh} and {@code version}
 *                (in any case) are ignored
 */
public record HealthzOptions(String version, Map<String, Object> fields) {
    /** Default version and no extra fields. */
    public static final HealthzOptions DEFAULT = new HealthzOptions(null, Map.of());

    /** Copies {@code fields}; {@code null} means none. */
    public HealthzOptions {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }
}
