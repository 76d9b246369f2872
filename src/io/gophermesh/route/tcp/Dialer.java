package io.gophermesh.route.tcp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.process.ColdStartException;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;

/**
 * Connects one client's exchange to a backend: tries the backends in balancer order, wakes a
 * managed backend that refuses, and fails over to the next on any error.
 */
final class Dialer {

    /** A connected backend. */
    record Dialed(Backend backend, Socket socket) {
    }

    /** No backend could be reached; the message lists each backend with its reason. */
    static final class NoBackendException extends IOException {
        private static final long serialVersionUID = 1L;

        NoBackendException(String reasons) {
            super(reasons);
        }
    }

    /** Lets the connection close a socket that is still connecting when the route shuts down. */
    interface Watch {
        /**
         * @param socket the socket about to connect
         * @throws IOException when the connection is already closed
         */
        void connecting(Socket socket) throws IOException;
    }

    private Dialer() {
    }

    /**
     * @param context  route generation of the client connection
     * @param clientIp client address, for the balancer
     * @param watch    sees each socket before it connects
     * @return the first backend that accepted
     * @throws NoBackendException   when none did
     * @throws InterruptedException when interrupted while a managed backend starts
     */
    static Dialed dial(RouteContext context, String clientIp, Watch watch)
            throws NoBackendException, InterruptedException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, context.config().effectiveConnectTimeout().toMillis());
        List<String> reasons = new ArrayList<>();
        for (Backend backend : context.order(clientIp)) {
            InetSocketAddress address = backend.address();
            if (address == null) {
                reasons.add(name(backend) + ": no address");
                continue;
            }
            String who = name(backend) + " (" + address.getHostString() + ":" + address.getPort() + ")";
            try {
                return new Dialed(backend, connect(address, timeout, watch));
            } catch (ConnectException refused) {
                // refused: a managed backend may be stopped; ensureReady starts it (no-op for proxies)
                try {
                    SocketChannel probed = backend.ensureReady();
                    Socket socket = probed != null ? adopt(probed, watch) : connect(address, timeout, watch);
                    return new Dialed(backend, socket);
                } catch (ColdStartException e) {
                    reasons.add(who + ": " + e.getMessage());
                } catch (IOException e) {
                    reasons.add(who + ": " + describe(e));
                }
            } catch (IOException e) {
                reasons.add(who + ": " + describe(e));
            }
        }
        throw new NoBackendException(reasons.isEmpty() ? "no backend configured" : String.join("; ", reasons));
    }

    private static Socket connect(InetSocketAddress address, int timeout, Watch watch) throws IOException {
        // backends are dialled directly: a plain socket skips the SOCKS layer and its proxy lookup
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            watch.connecting(socket);
            // the backend address is kept unresolved in config; resolve at each connect
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), timeout);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Uses a connection already made, e.g. by the probe of a cold start. */
    private static Socket adopt(SocketChannel probed, Watch watch) throws IOException {
        Socket socket = probed.socket();
        try {
            watch.connecting(socket);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String name(Backend backend) {
        String name = backend.config().name();
        return name == null || name.isBlank() ? "backend " + backend.ref() : name;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
