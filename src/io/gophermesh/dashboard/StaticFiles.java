package io.gophermesh.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The UI files under the classpath folder {@code dashboard-static/}, read once at start. The set of
 * names is fixed, so no request path ever reaches the class loader.
 */
final class StaticFiles {
    /** Files the UI consists of. */
    static final Set<String> NAMES = Set.of("index.html", "app.css", "app.js", "favicon.svg");

    private static final String FOLDER = "dashboard-static/";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    StaticFiles() {
        ClassLoader loader = StaticFiles.class.getClassLoader();
        for (String name : NAMES) {
            try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard UI file " + FOLDER + name + " is missing from the classpath");
                }
                assets.put(name, new Asset(in.readAllBytes(), contentType(name)));
            } catch (IOException e) {
                throw new UncheckedIOException("dashboard UI file " + FOLDER + name + " cannot be read", e);
            }
        }
    }

    /** Serves {@code name}; the UI's own paths only, so any miss is a programming error. */
    void send(String name, ServerRequest req, ServerResponse res) {
        Asset asset = assets.get(name);
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.send(asset.bytes());
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }
}
