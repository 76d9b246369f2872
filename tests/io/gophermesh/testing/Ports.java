package io.gophermesh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for tests. A port from {@link #free()} is below the kernel's ephemeral range, and
 * never handed out twice by one JVM: a socket bound to port 0 (a test backend, a worker) can then
 * never be given a port a test has already chosen for something else but not bound yet.
 */
public final class Ports {
    /** Ports below this are never picked by the kernel for port 0 or outgoing connections. */
    private static final int EPHEMERAL_LOW = ephemeralLow();
    private static final int SPAN = 10_000;
    private static final AtomicInteger NEXT = new AtomicInteger(
            (int) (ProcessHandle.current().pid() * 7919 % SPAN));

    private Ports() {
    }

    /** @return a port that was free on 127.0.0.1 a moment ago */
    public static int free() {
        if (EPHEMERAL_LOW <= SPAN) {
            return kernelPick();
        }
        for (int tries = 0; tries < SPAN; tries++) {
            int port = EPHEMERAL_LOW - SPAN + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // in use: try the next one
            }
        }
        throw new IllegalStateException("no free port in " + (EPHEMERAL_LOW - SPAN) + ".." + EPHEMERAL_LOW);
    }

    private static int kernelPick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ephemeralLow() {
        // one large read: Files.readString reads this sysctl file in pieces and gets only "3"
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * @param port port on 127.0.0.1
     * @return whether something accepts connections there now
     */
    public static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
