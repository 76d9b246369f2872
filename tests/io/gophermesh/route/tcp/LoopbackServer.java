package io.gophermesh.route.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real backend on 127.0.0.1 for route tests: one virtual thread per accepted connection. */
final class LoopbackServer implements AutoCloseable {

    /** What the backend does with one connection. */
    interface Handler {
        void handle(Socket socket, LoopbackServer server) throws IOException;
    }

    private final String name;
    private final ServerSocket server;
    private final Handler handler;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Long> received = new CopyOnWriteArrayList<>();

    LoopbackServer(String name, Handler handler) throws IOException {
        this.name = name;
        this.handler = handler;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread.ofVirtual().name("backend-" + name).start(this::acceptLoop);
    }

    /** Echoes every byte, then ends its side after the client's end. */
    static LoopbackServer echo(String name) throws IOException {
        return new LoopbackServer(name, (s, srv) -> copy(s.getInputStream(), s.getOutputStream()));
    }

    /** Sends {@code name\n} at once, then echoes. */
    static LoopbackServer tagged(String name) throws IOException {
        return new LoopbackServer(name, (s, srv) -> {
            s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            copy(s.getInputStream(), s.getOutputStream());
        });
    }

    /** Reads to the end, records the byte count, then replies {@code count\n}. */
    static LoopbackServer countThenReply(String name) throws IOException {
        return new LoopbackServer(name, (s, srv) -> {
            long n = drain(s.getInputStream());
            srv.received.add(n);
            s.getOutputStream().write((n + "\n").getBytes(StandardCharsets.US_ASCII));
        });
    }

    /** Sends {@code hello}, ends its sending side, then reads to the end and records the byte count. */
    static LoopbackServer greetThenCount(String name) throws IOException {
        return new LoopbackServer(name, (s, srv) -> {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            srv.received.add(drain(s.getInputStream()));
        });
    }

    int port() {
        return server.getLocalPort();
    }

    String name() {
        return name;
    }

    /** @return connections accepted so far */
    int accepted() {
        return accepted.get();
    }

    /** @return connections whose handler is still running */
    int open() {
        return open.size();
    }

    /** @return byte counts recorded by counting handlers, in order */
    List<Long> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread.ofVirtual().start(() -> {
                try (s) {
                    handler.handle(s, this);
                } catch (IOException e) {
                    // the peer reset or the test closed the server
                } finally {
                    open.remove(s);
                }
            });
        }
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
        }
        return total;
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
