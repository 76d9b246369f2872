package io.gophermesh.engine;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The canonical health payload of the mesh: {@code {"ok":true,"status":"ok","mesh":"running","version":..}}. */
public final class Healthz {
    /** Version reported when none is configured. */
    public static final String DEFAULT_VERSION = "0.0.1";

    private static final Set<String> RESERVED = Set.of("ok", "status", "mesh", "version");
    private static final JsonFactory STREAM = new JsonFactory();

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
        Map<String, Object> payload = payload(options);
        if (!options.fields().isEmpty()) {
            return Mapper.json(payload);
        }
        // the usual payload is four plain values: written without the object mapper, whose set-up
        // costs tens of milliseconds before the first route can listen
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = STREAM.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : payload.entrySet()) {
                if (e.getValue() instanceof Boolean b) {
                    g.writeBooleanField(e.getKey(), b);
                } else {
                    g.writeStringField(e.getKey(), (String) e.getValue());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("health payload: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Extra fields may hold any value the object mapper can write. */
    private static final class Mapper {
        private static final ObjectMapper JSON = new ObjectMapper();

        private Mapper() {
        }

        static byte[] json(Map<String, Object> payload) {
            try {
                return JSON.writeValueAsBytes(payload);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("health fields cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }
    }
}
