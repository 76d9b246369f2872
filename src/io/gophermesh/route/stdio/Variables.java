package io.gophermesh.route.stdio;

import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;

/**
 * Environment variables that describe a request to a child, in the CGI style. A {@code null} value
 * removes a variable the mesh itself may have inherited, so a child never sees a stale one.
 */
final class Variables {
    /** Name of the product in {@code SERVER_SOFTWARE}. */
    static final String SERVER_SOFTWARE = "GopherMesh";

    /**
     * Header variables a CGI program never gets: credentials (RFC 3875 section 4.1.18), the
     * headers already given as {@code CONTENT_*}, and {@code Proxy}, which would become
     * {@code HTTP_PROXY} and redirect the program's own outgoing requests (httpoxy).
     */
    private static final Set<String> CGI_WITHHELD = Set.of("HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION",
            "HTTP_PROXY", "HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE");

    private Variables() {
    }

    /**
     * Variables of an http-mode child (the set the Go version passes, plus server and client ports).
     *
     * @param head   the request
     * @param socket client connection
     * @return variables to set
     */
    static Map<String, String> http(RequestHead head, Socket socket) {
        Map<String, String> env = common(head, socket);
        env.put("GOPHERMESH_STDIO_MODE", "http");
        env.put("REQUEST_URI", head.requestUri());
        // as Go's request parser reports it: the declared length, 0 without a body, unknown when chunked
        env.put("CONTENT_LENGTH", head.chunked() ? null
                : Long.toString(Math.max(0, head.contentLength())));
        for (Header h : head.headers()) {
            String name = variable(h.name());
            if (name != null && !name.equals("HTTP_PROXY")) {
                env.merge(name, String.join(", ", h.allValues()), (a, b) -> a + ", " + b);
            }
        }
        env.putIfAbsent("HTTP_HOST", head.host());
        return env;
    }

    /**
     * Variables of a CGI/1.1 program (RFC 3875 section 4.1).
     *
     * @param head          the request
     * @param socket        client connection
     * @param contentLength length of the body on stdin, {@code null} when unknown or no body
     * @return variables to set
     */
    static Map<String, String> cgi(RequestHead head, Socket socket, Long contentLength) {
        Map<String, String> env = common(head, socket);
        env.put("GOPHERMESH_STDIO_MODE", "cgi");
        env.put("SERVER_SOFTWARE", SERVER_SOFTWARE);
        env.put("SCRIPT_NAME", "");
        env.put("REQUEST_URI", head.requestUri());
        env.put("CONTENT_LENGTH", contentLength == null ? null : contentLength.toString());
        // no document root to translate PATH_INFO against; no authentication done by the mesh
        env.put("PATH_TRANSLATED", null);
        env.put("AUTH_TYPE", null);
        env.put("REMOTE_USER", null);
        env.put("REMOTE_IDENT", null);
        for (Header h : head.headers()) {
            // a name with '_' could pose as another header once '-' becomes '_' (as web servers do)
            if (h.name().indexOf('_') >= 0) {
                continue;
            }
            String name = variable(h.name());
            if (name != null && !CGI_WITHHELD.contains(name)) {
                String sep = name.equals("HTTP_COOKIE") ? "; " : ", ";
                env.merge(name, String.join(sep, h.allValues()), (a, b) -> a + sep + b);
            }
        }
        return env;
    }

    private static Map<String, String> common(RequestHead head, Socket socket) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REQUEST_METHOD", head.method());
        env.put("PATH_INFO", head.path());
        env.put("QUERY_STRING", head.query());
        env.put("SERVER_PROTOCOL", head.protocol());
        env.put("SERVER_NAME", serverName(head, socket));
        env.put("SERVER_PORT", Integer.toString(socket.getLocalPort()));
        env.put("REMOTE_ADDR", StdioRoute.clientIp(socket));
        env.put("REMOTE_PORT", Integer.toString(socket.getPort()));
        env.put("CONTENT_TYPE", head.headers().contains(HeaderNames.CONTENT_TYPE)
                ? head.headers().get(HeaderNames.CONTENT_TYPE).get().trim()
                : null);
        return env;
    }

    /**
     * @param header header name
     * @return {@code HTTP_} and the name upper-cased, {@code -} as {@code _}, other characters
     *         dropped; {@code null} when nothing is left
     */
    static String variable(String header) {
        StringBuilder b = new StringBuilder("HTTP_");
        for (char c : header.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
                b.append(c);
            } else if (c == '-') {
                b.append('_');
            }
        }
        return b.length() == 5 ? null : b.toString();
    }

    private static String serverName(RequestHead head, Socket socket) {
        String host = head.host();
        if (host.isEmpty()) {
            return socket.getLocalAddress().getHostAddress();
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
