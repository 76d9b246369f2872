package io.gophermesh.route.http;

import java.util.List;

/**
 * The mesh's cross-origin policy. A request whose {@code Origin} is not trusted never reaches a
 * backend; a trusted one gets the allow headers from the mesh, whatever the backend says.
 */
final class Cors {
    /** Methods announced to a preflight. */
    static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    /** How long a browser may cache a preflight answer, in seconds. */
    static final String MAX_AGE = "86400";

    private Cors() {
    }

    /**
     * @param trusted the allow list; {@code "*"} trusts every origin
     * @param origin  the request's {@code Origin}
     * @return the value for {@code Access-Control-Allow-Origin}, {@code null} when the origin is not trusted
     */
    static String allowedOrigin(List<String> trusted, String origin) {
        String wanted = trimSlashes(origin);
        for (String candidate : trusted) {
            if (candidate == null) {
                continue;
            }
            if (candidate.equals("*")) {
                return "*";
            }
            if (trimSlashes(candidate).equalsIgnoreCase(wanted)) {
                return origin;
            }
        }
        return null;
    }

    private static String trimSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }
}
