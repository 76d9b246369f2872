package io.gophermesh.route.http;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Status line and header lines of one backend response, as parsed, plus what they say about framing. */
final class ResponseHead {
    final int minorVersion;
    final int status;
    final String reason;
    /** Header names as the backend spelled them, index-aligned with {@link #values}. */
    final List<String> names = new ArrayList<>(16);
    final List<String> values = new ArrayList<>(16);
    /** The same names in lower case, computed once while parsing. */
    final List<String> lowerNames = new ArrayList<>(16);

    private long contentLength = -1;
    private boolean chunked;
    private boolean otherCoding;
    private boolean close;
    private Set<String> connectionNamed = Set.of();

    ResponseHead(int minorVersion, int status, String reason) {
        this.minorVersion = minorVersion;
        this.status = status;
        this.reason = reason;
    }

    void add(String name, String value) throws ProtocolException {
        String lower = name.toLowerCase(Locale.ROOT);
        names.add(name);
        values.add(value);
        lowerNames.add(lower);
        switch (lower) {
            case "content-length" -> {
                long parsed = parseLength(value);
                if (contentLength >= 0 && contentLength != parsed) {
                    throw new ProtocolException("conflicting Content-Length headers");
                }
                contentLength = parsed;
            }
            case "transfer-encoding" -> {
                for (String coding : value.split(",")) {
                    String c = coding.trim();
                    if (c.isEmpty()) {
                        continue;
                    }
                    // only a final "chunked" frames the body; anything after it means read to close
                    chunked = c.equalsIgnoreCase("chunked");
                    otherCoding |= !chunked;
                }
            }
            case "connection" -> {
                if (HopByHop.hasToken(List.of(value), "close")) {
                    close = true;
                }
                Set<String> named = HopByHop.named(List.of(value));
                if (!named.isEmpty()) {
                    if (connectionNamed.isEmpty()) {
                        connectionNamed = new java.util.HashSet<>(named);
                    } else {
                        connectionNamed.addAll(named);
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Adds one header line, or continues the last header when the line is folded.
     *
     * @param buf   bytes holding the line
     * @param start index of its first byte
     * @param end   index after its last byte (CRLF excluded)
     * @throws ProtocolException when the line is malformed
     */
    void addLine(byte[] buf, int start, int end) throws ProtocolException {
        byte first = buf[start];
        if (first == ' ' || first == '\t') {
            if (names.isEmpty()) {
                throw new ProtocolException("response head starts with a continuation line");
            }
            appendToLast(trimmed(buf, start, end));
            return;
        }
        int colon = start;
        while (colon < end && buf[colon] != ':') {
            colon++;
        }
        if (colon == end || colon == start || buf[colon - 1] == ' ' || buf[colon - 1] == '\t') {
            throw new ProtocolException("malformed response header line");
        }
        add(new String(buf, start, colon - start, StandardCharsets.ISO_8859_1), trimmed(buf, colon + 1, end));
    }

    /** {@return {@code buf[from, to)} as text without leading and trailing spaces and controls, as String.trim} */
    private static String trimmed(byte[] buf, int from, int to) {
        while (from < to && (buf[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (buf[to - 1] & 0xff) <= ' ') {
            to--;
        }
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    void appendToLast(String continuation) {
        int last = values.size() - 1;
        values.set(last, values.get(last) + " " + continuation);
    }

    /** {@return true for 1xx} */
    boolean interim() {
        return status >= 100 && status < 200;
    }

    /**
     * @param head whether the request was HEAD
     * @return true when no body follows this head
     */
    boolean bodyless(boolean head) {
        return head || interim() || status == 204 || status == 304;
    }

    /** {@return the final transfer coding is chunked} */
    boolean chunked() {
        return chunked;
    }

    /**
     * A transfer coding other than chunked cannot be undone by the proxy, and the client would not
     * know it was applied once the hop-by-hop {@code Transfer-Encoding} is dropped.
     *
     * @return whether such a coding is present
     */
    boolean unsupportedCoding() {
        return otherCoding;
    }

    /** {@return declared length, -1 when none} */
    long contentLength() {
        return contentLength;
    }

    /** {@return whether the backend connection may carry another exchange after this one} */
    boolean keepAlive() {
        return minorVersion >= 1 && !close;
    }

    /**
     * @param lowerName header name in lower case
     * @return whether the header must not pass the proxy
     */
    boolean hopByHop(String lowerName) {
        return HopByHop.always(lowerName) || connectionNamed.contains(lowerName);
    }

    /**
     * @param line a status line, e.g. {@code HTTP/1.1 200 OK}
     * @return a head without headers yet
     * @throws ProtocolException when the line is not an HTTP/1.0 or 1.1 status line
     */
    static ResponseHead parseStatusLine(String line) throws ProtocolException {
        // HTTP/1.x SP 3DIGIT SP reason
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ') {
            throw new ProtocolException("malformed status line");
        }
        char minor = line.charAt(7);
        if (minor != '0' && minor != '1') {
            throw new ProtocolException("unsupported protocol version");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("malformed status code");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100 || status > 599 || line.length() > 12 && line.charAt(12) != ' ') {
            throw new ProtocolException("malformed status code");
        }
        String reason = line.length() > 13 ? line.substring(13) : "";
        return new ResponseHead(minor - '0', status, reason);
    }

    private static long parseLength(String value) throws ProtocolException {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18) {
            throw new ProtocolException("invalid Content-Length: " + value);
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("invalid Content-Length: " + value);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
