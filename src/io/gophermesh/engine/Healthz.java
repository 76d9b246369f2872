package io.gophermesh.engine;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The canonical health payload of the mesh: {@code {"ok":true,"status":"ok","mesh":"running","version":..}}. */
public final class Healthz {
    /** Version reported when none is configured. */
    public static final String DEFAULT_VERSION = "0.0.1";

    private static final Set<String> RESERVED = Set.of("ok", "status", "mesh", "version");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Healthz() {
    }

    /**
     * Returns the payload for these options.
     *
     * @param options version and extra fields
     * @return the payload; reserved keys always come from the mesh
     */
    public static Map<String, Object> payload(HealthzOptions options) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("status", "ok");
        out.put("mesh", "running");
        String version = options.version() == null || options.version().isBlank()
                ? DEFAULT_VERSION : options.version().trim();
        out.put("version", version);
        options.fields().forEach((key, value) -> {
            String k = key == null ? "" : key.trim();
            if (!k.isEmpty() && !RESERVED.contains(k.toLowerCase(Locale.ROOT))) {
                out.put(k, value);
            }
        });
        return out;
    }

    /**
     * Returns the payload as UTF-8 JSON bytes.
     *
     * @param options version and extra fields
     * @return the payload as UTF-8 JSON bytes
     */
    public static byte[] json(HealthzOptions options) {
        try {
            return JSON.writeValueAsBytes(payload(options));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("health fields cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
