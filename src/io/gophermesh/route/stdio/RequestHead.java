package io.gophermesh.route.stdio;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Http1HeadersParser;
import io.helidon.http.WritableHeaders;

/**
 * The request line and headers of one HTTP/1.x request, parsed with Helidon's header parser and
 * checked the way a server must before it hands the request on.
 *
 * @param method         request method
 * @param target         request target as sent
 * @param rawPath        path part of the target, still percent-encoded
 * @param path           path part, percent-decoded
 * @param query          query part without {@code ?}, empty when none
 * @param protocol       {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers        header fields
 * @param contentLength  declared body length, -1 when none is declared
 * @param chunked        whether the body is chunked
 * @param keepAlive      whether the client wants the connection kept open
 * @param expectContinue whether the client waits for {@code 100 Continue} before its body
 */
record RequestHead(String method, String target, String rawPath, String path, String query, String protocol,
                   Headers headers, long contentLength, boolean chunked, boolean keepAlive,
                   boolean expectContinue) {

    private static final String TCHAR = "!#$%&'*+-.^_`|~";

    /**
     * Reads one request head.
     *
     * @param reader        client data
     * @param maxHeaderSize limit of request line and headers together
     * @return the head, {@code null} when the client closed or went quiet before sending one
     * @throws HttpProblem when the head is malformed (400), too large (414, 431) or of another
     *                     HTTP version (505)
     */
    static RequestHead read(DataReader reader, long maxHeaderSize) throws HttpProblem {
        int limit = (int) Math.min(Integer.MAX_VALUE - 1, maxHeaderSize);
        try {
            // a server should ignore empty lines before a request line
            for (int i = 0; i < 4 && reader.startsWithNewLine(); i++) {
                reader.skip(2);
            }
            int eol = reader.findNewLine(limit);
            if (eol >= limit) {
                throw new HttpProblem(414, "request line too long");
            }
            String line = reader.readAsciiString(eol);
            reader.skip(2);
            int left = limit - eol - 2;
            if (left <= 2) {
                throw new HttpProblem(431, "request header fields too large");
            }
            WritableHeaders<?> headers;
            try {
                headers = Http1HeadersParser.readHeaders(reader, left, true);
            } catch (IllegalStateException e) {
                throw new HttpProblem(431, "request header fields too large");
            }
            return of(line, headers);
        } catch (ClientReader.Timeout e) {
            return null;
        } catch (DataReader.InsufficientDataAvailableException e) {
            return null;
        } catch (RuntimeException e) {
            // Helidon reports bad field syntax and stray CR or LF as unchecked exceptions
            throw new HttpProblem(400, "malformed request head");
        }
    }

    private static RequestHead of(String line, Headers headers) throws HttpProblem {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new HttpProblem(400, "malformed request line");
        }
        String method = parts[0];
        String target = parts[1];
        String protocol = parts[2];
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpProblem(400, "malformed request target");
            }
        }
        if (!protocol.equals("HTTP/1.1") && !protocol.equals("HTTP/1.0")) {
            throw protocol.matches("HTTP/\\d(\\.\\d)?")
                    ? new HttpProblem(505, "HTTP version not supported")
                    : new HttpProblem(400, "malformed request line");
        }
        for (Header h : headers) {
            // the header parser decodes as ASCII: a byte above 0x7F is already lost (U+FFFD)
            if (h.name().isEmpty()) {
                throw new HttpProblem(400, "header with an empty name");
            }
            for (String value : h.allValues()) {
                if (value.chars().anyMatch(c -> c > 0x7e)) {
                    throw new HttpProblem(400, "header " + h.name() + " has bytes outside printable ASCII");
                }
            }
        }
        boolean http11 = protocol.equals("HTTP/1.1");
        if (http11 && !headers.contains(HeaderNames.HOST)) {
            throw new HttpProblem(400, "missing Host header");
        }
        if (headers.contains(HeaderNames.HOST) && headers.get(HeaderNames.HOST).valueCount() > 1) {
            throw new HttpProblem(400, "more than one Host header");
        }
        boolean chunked = false;
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            String te = String.join(",", headers.get(HeaderNames.TRANSFER_ENCODING).allValues())
                    .trim().toLowerCase(Locale.ROOT);
            if (!http11 || headers.contains(HeaderNames.CONTENT_LENGTH)) {
                throw new HttpProblem(400, "Transfer-Encoding not allowed here");
            }
            if (!te.equals("chunked")) {
                throw new HttpProblem(501, "unsupported transfer coding");
            }
            chunked = true;
        }
        long length = contentLength(headers);
        String connection = headers.contains(HeaderNames.CONNECTION)
                ? String.join(",", headers.get(HeaderNames.CONNECTION).allValues()).toLowerCase(Locale.ROOT)
                : "";
        boolean keepAlive = http11 && !hasToken(connection, "close");
        boolean expect = http11 && headers.contains(HeaderNames.EXPECT)
                && headers.get(HeaderNames.EXPECT).get().trim().equalsIgnoreCase("100-continue");

        String pathAndQuery = originForm(method, target);
        int q = pathAndQuery.indexOf('?');
        String rawPath = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        return new RequestHead(method, target, rawPath, decode(rawPath), query, protocol, headers, length,
                chunked, keepAlive, expect);
    }

    /** {@return whether a body follows the head} */
    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** {@return whether this is a HEAD request (its response has no body)} */
    boolean isHead() {
        return method.equals("HEAD");
    }

    /** {@return the target in origin form: path and query} */
    String requestUri() {
        return query.isEmpty() ? rawPath : rawPath + "?" + query;
    }

    /** {@return the Host header, empty when absent} */
    String host() {
        return headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get().trim() : "";
    }

    /**
     * The request a CGI local redirect asks for: a GET of {@code location} with the same headers,
     * without body.
     *
     * @param location path and query, starting with {@code /}
     * @return the new head
     * @throws HttpProblem when the location is not a valid target
     */
    RequestHead redirect(String location) throws HttpProblem {
        WritableHeaders<?> copy = WritableHeaders.create(headers);
        copy.remove(HeaderNames.CONTENT_LENGTH);
        copy.remove(HeaderNames.CONTENT_TYPE);
        copy.remove(HeaderNames.TRANSFER_ENCODING);
        copy.remove(HeaderNames.EXPECT);
        return of("GET " + location + " " + protocol, copy);
    }

    /** {@return request line and headers as they are sent on to a child, ending with the empty line} */
    byte[] serialize() {
        StringBuilder b = new StringBuilder(256);
        b.append(method).append(' ').append(target).append(' ').append(protocol).append("\r\n");
        for (Header h : headers) {
            for (String v : h.allValues()) {
                b.append(h.name()).append(": ").append(v).append("\r\n");
            }
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long contentLength(Headers headers) throws HttpProblem {
        if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
            return -1;
        }
        long length = -1;
        for (String value : headers.get(HeaderNames.CONTENT_LENGTH).allValues()) {
            for (String item : value.split(",", -1)) {
                String digits = item.trim();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
                    throw new HttpProblem(400, "malformed Content-Length");
                }
                long n = Long.parseLong(digits);
                if (length >= 0 && n != length) {
                    throw new HttpProblem(400, "conflicting Content-Length values");
                }
                length = n;
            }
        }
        return length;
    }

    private static String originForm(String method, String target) throws HttpProblem {
        if (target.startsWith("/")) {
            return target;
        }
        if (target.equals("*") && method.equals("OPTIONS")) {
            return "*";
        }
        String lower = target.toLowerCase(Locale.ROOT);
        for (String scheme : List.of("http://", "https://")) {
            if (lower.startsWith(scheme)) {
                int slash = target.indexOf('/', scheme.length());
                int query = target.indexOf('?', scheme.length());
                if (slash < 0 || (query >= 0 && query < slash)) {
                    return query < 0 ? "/" : "/" + target.substring(query);
                }
                return target.substring(slash);
            }
        }
        throw new HttpProblem(400, "unsupported request target");
    }

    private static String decode(String raw) throws HttpProblem {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i + 2 >= raw.length()) {
                throw new HttpProblem(400, "malformed percent-encoding in path");
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                throw new HttpProblem(400, "malformed percent-encoding in path");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TCHAR.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasToken(String list, String token) {
        for (String item : list.split(",")) {
            if (item.trim().equals(token)) {
                return true;
            }
        }
        return false;
    }
}
