package io.gophermesh.dashboard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Host} (and {@code Origin}) authorities name this dashboard. A page served from any
 * other name is a DNS-rebinding attempt even when it reaches our socket.
 *
 * <p>Without explicit entries an authority is accepted when its port is the port the connection
 * arrived on and its host is {@code localhost}, a loopback literal, the literal address the
 * connection arrived on, or one of the extra names (the configured bind host). Explicit entries
 * ({@code host} for any port or {@code host:port}) are accepted as well, for reverse proxies.
 */
final class HostRule {
    private static final InetAddress V4_LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6_LOOPBACK = InetAddress.ofLiteral("::1");

    private final Set<String> names;
    private final Set<String> explicit;

    /**
     * @param names    host names accepted with the connection's port (lower case, no port)
     * @param explicit {@code host} or {@code host:port} entries accepted on any connection
     */
    HostRule(Set<String> names, List<String> explicit) {
        this.names = names.stream().map(HostRule::normalizeHost).collect(Collectors.toUnmodifiableSet());
        this.explicit = explicit.stream().map(e -> e.trim().toLowerCase(Locale.ROOT))
                .filter(e -> !e.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param authority   {@code host[:port]} as sent by the client
     * @param defaultPort port meant when the authority has none (80 for http, 443 for https)
     * @param local       local address of the connection
     * @return whether the authority names this dashboard
     */
    boolean allows(String authority, int defaultPort, SocketAddress local) {
        Authority a = Authority.parse(authority, defaultPort);
        if (a == null) {
            return false;
        }
        if (explicit.contains(a.host()) || explicit.contains(a.host() + ":" + a.port())) {
            return true;
        }
        if (!(local instanceof InetSocketAddress inet) || a.port() != inet.getPort()) {
            return false;
        }
        if (a.host().equals("localhost") || names.contains(a.host())) {
            return true;
        }
        InetAddress literal = a.literal();
        return literal != null && (literal.equals(V4_LOOPBACK) || literal.equals(V6_LOOPBACK)
                || literal.equals(inet.getAddress()));
    }

    private static String normalizeHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.contains(":") && !h.startsWith("[")) {
            return "[" + h + "]";
        }
        return h;
    }

    /** A parsed {@code host[:port]}; IPv6 hosts keep their brackets. */
    record Authority(String host, int port) {
        static Authority parse(String raw, int defaultPort) {
            if (raw == null) {
                return null;
            }
            String s = raw.trim().toLowerCase(Locale.ROOT);
            String host;
            String port;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = s.substring(0, close + 1);
                String rest = s.substring(close + 1);
                if (rest.isEmpty()) {
                    port = null;
                } else if (rest.startsWith(":")) {
                    port = rest.substring(1);
                } else {
                    return null;
                }
            } else {
                int colon = s.indexOf(':');
                if (colon != s.lastIndexOf(':')) {
                    return null;
                }
                host = colon < 0 ? s : s.substring(0, colon);
                port = colon < 0 ? null : s.substring(colon + 1);
            }
            if (host.isEmpty() || host.equals("[]")) {
                return null;
            }
            if (port == null) {
                return new Authority(host, defaultPort);
            }
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int p = Integer.parseInt(port);
            return p > 0 && p <= 65535 ? new Authority(host, p) : null;
        }

        /** {@return the host as an address when it is an IP literal, else {@code null}} */
        InetAddress literal() {
            String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            try {
                return InetAddress.ofLiteral(h);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
