package io.gophermesh.route.http;

import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerRequestHeaders;

/** Writes the request head a backend receives: the client's, minus hop-by-hop headers, plus forwarding headers. */
final class RequestHead {
    private RequestHead() {
    }

    /**
     * The web server decodes the request head as ASCII, so a byte above 0x7F reaches the proxy as
     * U+FFFD and would be forwarded as {@code ?}: such a request is refused rather than altered.
     * An empty header name is refused too (a field name is a token of at least one character), and
     * so is a request target with a fragment: {@code #} has no place in one (RFC 9112, 3.2), and
     * the web server would cut it off, so the backend would see another target than was sent.
     *
     * @param prologue request line as received
     * @param headers  request headers
     * @return why the head cannot be forwarded unchanged, {@code null} when it can
     */
    static String unforwardable(HttpPrologue prologue, Headers headers) {
        if (!printable(prologue.uriPath().rawPath()) || prologue.hasQuery() && !printable(prologue.query().rawValue())) {
            return "request target has bytes outside printable ASCII";
        }
        if (prologue.fragment().hasValue()) {
            return "request target has a fragment (#)";
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
     * Writes the head into {@code out}.
     *
     * @param out       where the head goes (a backend connection's send buffer)
     * @param prologue  request line as received
     * @param headers   request headers
     * @param clientIp  client address, appended to {@code X-Forwarded-For}
     * @param contentLength client's Content-Length or -1
     * @param chunked   client body is chunked
     * @param expectContinue ask the backend for {@code 100 Continue}
     * @param upgrade   keep {@code Upgrade} and send {@code Connection: Upgrade} (protocol switch requests)
     */
    static void write(OutBuffer out, HttpPrologue prologue, ServerRequestHeaders headers, String clientIp,
                      long contentLength, boolean chunked, boolean expectContinue, boolean upgrade) {
        out.ascii(prologue.method().text()).ascii(' ').ascii(prologue.uriPath().rawPath());
        if (prologue.hasQuery()) {
            // the raw query, byte for byte: re-encoding could change what the backend sees
            out.ascii('?').ascii(prologue.query().rawValue());
        }
        out.ascii(" HTTP/1.1").crlf();

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
                appendAll(out, h);
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
                    appendAll(out, h);
                }
            }
        }
        out.ascii("X-Forwarded-For: ");
        if (forwardedFor != null && !forwardedFor.isBlank()) {
            out.ascii(forwardedFor).ascii(", ");
        }
        out.ascii(clientIp).crlf();
        out.ascii("X-Forwarded-Proto: ").ascii(forwardedProto != null ? forwardedProto : "http").crlf();
        String fh = forwardedHost != null ? forwardedHost : host;
        if (fh != null) {
            out.ascii("X-Forwarded-Host: ").ascii(fh).crlf();
        }
        if (chunked) {
            out.ascii("Transfer-Encoding: chunked").crlf();
        } else if (contentLength >= 0) {
            out.ascii("Content-Length: ").decimal(contentLength).crlf();
        }
        if (expectContinue) {
            out.ascii("Expect: 100-continue").crlf();
        }
        if (upgrade) {
            out.ascii("Connection: Upgrade").crlf();
        }
        out.crlf();
    }

    private static void appendAll(OutBuffer out, Header h) {
        String name = h.name();
        for (String value : h.allValues()) {
            out.ascii(name).ascii(": ").ascii(value).crlf();
        }
    }
}
