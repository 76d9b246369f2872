package io.gophermesh.hardening;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address that does not answer SYNs: a listening socket that never accepts, with its
 * accept queue filled. Linux then drops further SYNs (tcp_abort_on_overflow is 0 by default), so a
 * connect neither succeeds nor is refused: it times out. {@link #works()} says whether the queue
 * could be filled here.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private final boolean works;

    Blackhole() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        boolean timedOut = false;
        for (int i = 0; i < 16 && !timedOut; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                timedOut = true;
            }
        }
        works = timedOut;
    }

    int port() {
        return server.getLocalPort();
    }

    boolean works() {
        return works;
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
