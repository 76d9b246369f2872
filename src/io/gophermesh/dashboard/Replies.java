package io.gophermesh.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** JSON answers in the shapes the Go dashboard used: {@code {"code":..,"data"|"msg"|"error":..}}. */
final class Replies {
    static final String JSON_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Replies() {
    }

    static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dashboard answer cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String text(Object body) {
        return new String(bytes(body), StandardCharsets.UTF_8);
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON_TYPE);
        res.send(bytes(body));
    }

    static void ok(ServerResponse res, String key, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 200);
        body.put(key, value);
        json(res, 200, body);
    }

    static void error(ServerResponse res, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("error", message);
        json(res, status, body);
    }
}
