package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.route.RouteMetrics;

/**
 * Stream mode: the client's bytes go to the child's stdin as they are, the child's stdout goes back
 * as it is. The client's half-close closes stdin; the end of stdout half-closes the connection.
 */
final class StreamBridge {
    private static final System.Logger LOG = System.getLogger(StreamBridge.class.getName());
    /**
     * Variables of a stream-mode child. Nothing about the client: a warm child is started before its
     * client is known, and a child must not see different variables depending on where it came from.
     */
    static final Map<String, String> ENV = Map.of("GOPHERMESH_STDIO_MODE", "stream");
    /** How long a client may keep sending after the child's output ended before it is cut off. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int BUFFER = 16 * 1024;

    private StreamBridge() {
    }

    /**
     * Serves one connection with one child.
     *
     * @param route  the route
     * @param socket client connection
     * @param prefix bytes already read from the client (auto mode), delivered first
     * @throws IOException when the connection fails outside the bridge
     */
    static void serve(StdioRoute route, Socket socket, byte[] prefix) throws IOException {
        Generation gen = route.generation();
        RouteMetrics metrics = gen.context().metrics();
        long start = System.nanoTime();
        metrics.begin();
        boolean failed = true;
        try (Lease lease = route.children().lease(gen, StdioRoute.clientIp(socket), ENV)) {
            LOG.log(System.Logger.Level.DEBUG, () -> lease.child().label() + ": serves stream client "
                    + socket.getRemoteSocketAddress());
            failed = false;
            bridge(socket, prefix, lease, metrics);
        } catch (NoChildException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; stream client "
                    + socket.getRemoteSocketAddress() + " closed");
        } finally {
            metrics.end(System.nanoTime() - start, failed);
        }
    }

    private static void bridge(Socket socket, byte[] prefix, Lease lease, RouteMetrics metrics) throws IOException {
        Child child = lease.child();
        AtomicBoolean outputDone = new AtomicBoolean();
        InputStream fromClient = socket.getInputStream();
        Thread upstream = Thread.ofVirtual().name("stdio-stdin-" + child.pid())
                .start(() -> upstream(fromClient, prefix, child, outputDone, metrics));
        OutputStream toClient = socket.getOutputStream();
        InputStream stdout = child.stdout();
        byte[] buf = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = stdout.read(buf);
            } catch (IOException e) {
                // stdout was closed under us: the child was killed (timeout, route closed)
                n = -1;
            }
            if (n < 0) {
                break;
            }
            try {
                toClient.write(buf, 0, n);
                toClient.flush();
            } catch (IOException e) {
                child.kill(Child.CLIENT_GONE);
                break;
            }
            metrics.addBytesOut(n);
        }
        outputDone.set(true);
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // the client is gone already
        }
        // the child's part is over: free its slot now, not after the client's linger below
        lease.end();
        try {
            upstream.join(LINGER);
            if (upstream.isAlive()) {
                // the client neither half-closed nor closed: stop reading it
                socket.shutdownInput();
                upstream.join(LINGER);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the socket is closed by the caller anyway
        }
    }

    private static void upstream(InputStream fromClient, byte[] prefix, Child child, AtomicBoolean outputDone,
                                 RouteMetrics metrics) {
        OutputStream stdin = child.stdin();
        boolean open = true;
        try {
            if (prefix.length > 0) {
                metrics.addBytesIn(prefix.length);
                open = write(stdin, prefix, prefix.length);
            }
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = fromClient.read(buf)) >= 0) {
                metrics.addBytesIn(n);
                // once the child stops reading, keep draining the client so a reset is still seen
                if (open) {
                    open = write(stdin, buf, n);
                }
            }
        } catch (IOException e) {
            if (!outputDone.get()) {
                child.kill(Child.CLIENT_GONE);
            }
        } finally {
            Child.closeQuietly(stdin);
        }
    }

    private static boolean write(OutputStream stdin, byte[] buf, int n) {
        try {
            stdin.write(buf, 0, n);
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
