package io.gophermesh.launch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Whether something accepts TCP connections on a local port. */
final class Probes {
    /** How long one connection attempt may take. */
    static final Duration TIMEOUT = Duration.ofMillis(500);

    private Probes() {
    }

    static boolean accepting(String host, int port) {
        if (port < 1 || port > 65535) {
            return false;
        }
        try (Socket socket = new Socket()) {
            InetSocketAddress address = host == null
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                return false;
            }
            socket.connect(address, (int) TIMEOUT.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A wildcard bind address is probed on loopback; the dashboard answers there too. */
    static String probeHost(String bindHost) {
        if (bindHost == null) {
            return null;
        }
        String host = bindHost.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return switch (host) {
            case "", "0.0.0.0", "::", "localhost" -> null;
            default -> host;
        };
    }
}
