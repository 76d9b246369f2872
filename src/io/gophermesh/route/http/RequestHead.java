package io.gophermesh.route.http;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;

/** Writes the request head a backend receives: the client's, minus hop-by-hop headers, plus forwarding headers. */
final class RequestHead {
    private RequestHead() {
    }

    /**
     * The web server decodes the request head as ASCII, so a byte above 0x7F reaches the proxy as
     * U+FFFD and would be forwarded as {@code ?}: such a request is refused rather than altered.
     * An empty header name is refused too (a field name is a token of at least one character).
     *
     * @param prologue request line as received
     * @param headers  request headers
     * @return why the head cannot be forwarded unchanged, {@code null} when it can
     */
    static String unforwardable(HttpPrologue prologue, Headers headers) {
        if (!printable(prologue.uriPath().rawPath()) || prologue.hasQuery() && !printable(prologue.query().rawValue())) {
            return "request target has bytes outside printable ASCII";
        }
        for (Header h : headers) {
            if (h.name().isEmpty()) {
                return "header with an empty name";
            }
            for (String value : h.allValues()) {
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                        return "header " + h.name() + " has bytes outside printable ASCII";
                    }
                }
            }
        }
        return null;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param req            client request
     * @param clientIp       client address, appended to {@code X-Forwarded-For}
     * @param contentLength  the client's Content-Length, -1 when it sent none
     * @param chunked        whether the client body is chunked
     * @param expectContinue whether to ask the backend for {@code 100 Continue}
     * @return the head, ready to write
     */
    static byte[] build(ServerRequest req, String clientIp, long contentLength, boolean chunked, boolean expectContinue) {
        return text(req.prologue(), req.headers(), clientIp, contentLength, chunked, expectContinue, false)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * @param prologue  request line as received
     * @param headers   request headers
     * @param clientIp  client address
     * @param contentLength client's Content-Length or -1
     * @param chunked   client body is chunked
     * @param expectContinue ask for 100 Continue
     * @param upgrade   keep {@code Upgrade} and send {@code Connection: Upgrade} (protocol switch requests)
     * @return the head as text
     */
    static String text(HttpPrologue prologue, ServerRequestHeaders headers, String clientIp, long contentLength,
                       boolean chunked, boolean expectContinue, boolean upgrade) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(prologue.method().text()).append(' ').append(prologue.uriPath().rawPath());
        if (prologue.hasQuery()) {
            // the raw query, byte for byte: re-encoding could change what the backend sees
            sb.append('?').append(prologue.query().rawValue());
        }
        sb.append(" HTTP/1.1\r\n");

        Set<String> named = headers.contains(HeaderNames.CONNECTION)
                ? HopByHop.named(headers.get(HeaderNames.CONNECTION).allValues())
                : Set.of();
        String forwardedFor = null;
        String forwardedProto = null;
        String forwardedHost = null;
        String host = null;
        for (Header h : headers) {
            String lower = h.headerName().lowerCase();
            if (upgrade && lower.equals("upgrade")) {
                appendAll(sb, h);
                continue;
            }
            if (HopByHop.always(lower) || named.contains(lower)) {
                continue;
            }
            switch (lower) {
                case "content-length", "expect" -> {
                    // framing and the continue handshake are the proxy's own business with the backend
                }
                case "x-forwarded-for" -> forwardedFor = String.join(", ", h.allValues());
                case "x-forwarded-proto" -> forwardedProto = h.allValues().getFirst();
                case "x-forwarded-host" -> forwardedHost = h.allValues().getFirst();
                default -> {
                    if (lower.equals("host")) {
                        host = h.allValues().getFirst();
                    }
                    appendAll(sb, h);
                }
            }
        }
        sb.append("X-Forwarded-For: ");
        if (forwardedFor != null && !forwardedFor.isBlank()) {
            sb.append(forwardedFor).append(", ");
        }
        sb.append(clientIp).append("\r\n");
        sb.append("X-Forwarded-Proto: ").append(forwardedProto != null ? forwardedProto : "http").append("\r\n");
        String fh = forwardedHost != null ? forwardedHost : host;
        if (fh != null) {
            sb.append("X-Forwarded-Host: ").append(fh).append("\r\n");
        }
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        if (expectContinue) {
            sb.append("Expect: 100-continue\r\n");
        }
        if (upgrade) {
            sb.append("Connection: Upgrade\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static void appendAll(StringBuilder sb, Header h) {
        String name = h.name();
        for (String value : h.allValues()) {
            sb.append(name).append(": ").append(value).append("\r\n");
        }
    }
}
