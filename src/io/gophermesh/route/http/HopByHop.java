package io.gophermesh.route.http;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection rather than the message (RFC 9110 7.6.1). A proxy must not
 * pass them on in either direction, nor any header that the {@code Connection} header names.
 */
final class HopByHop {
    private static final Set<String> ALWAYS = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "proxy-authenticate", "proxy-authorization");

    private HopByHop() {
    }

    /**
     * @param lowerName header name in lower case
     * @return whether the header is hop-by-hop whatever {@code Connection} says
     */
    static boolean always(String lowerName) {
        return ALWAYS.contains(lowerName);
    }

    /**
     * Collects the header names listed in {@code Connection} values.
     *
     * @param connectionValues the values of every {@code Connection} line, possibly empty
     * @return lower-case names, an empty set when none are listed
     */
    static Set<String> named(Iterable<String> connectionValues) {
        Set<String> out = null;
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty() || name.equals("close") || name.equals("keep-alive")) {
                    continue;
                }
                if (out == null) {
                    out = new java.util.HashSet<>(4);
                }
                out.add(name);
            }
        }
        return out == null ? Set.of() : out;
    }

    /**
     * @param values values of a list-valued header
     * @param token  token to look for, lower case
     * @return whether one of the comma-separated elements equals {@code token}, ignoring case
     */
    static boolean hasToken(Iterable<String> values, String token) {
        for (String value : values) {
            for (String element : value.split(",")) {
                if (element.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
