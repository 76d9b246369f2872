package io.gophermesh.route.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 backend on 127.0.0.1 for proxy tests: it records every request exactly as it
 * arrived and lets each test answer with arbitrary bytes. One virtual thread per connection.
 */
final class TestBackend implements AutoCloseable {

    /** A request as the backend saw it. */
    record Request(int connection, String method, String target, List<String[]> headers, byte[] body, long bodyLength) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        List<String> headerNames() {
            return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one request; may write anything to {@code out}. Return false to close the connection. */
    interface Handler {
        boolean handle(Request req, InputStream in, OutputStream out) throws IOException;
    }

    /** Whether the body is kept (small bodies) or only counted (huge uploads). */
    enum BodyMode { KEEP, COUNT, LEAVE }

    private final ServerSocket server;
    private final Handler handler;
    private final BodyMode bodyMode;
    private final AtomicInteger connections = new AtomicInteger();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    TestBackend(Handler handler) throws IOException {
        this(handler, BodyMode.KEEP);
    }

    TestBackend(Handler handler, BodyMode bodyMode) throws IOException {
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.bodyMode = bodyMode;
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    /** A backend that answers 200 with {@code body} to everything. */
    static TestBackend answering(String body) throws IOException {
        return new TestBackend((req, in, out) -> {
            respond(out, 200, body, "X-Backend-Body: " + body);
            return true;
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return connections accepted so far */
    int connections() {
        return connections.get();
    }

    /** {@return connections accepted and not yet closed by either side} */
    int openConnections() {
        return open.size();
    }

    BlockingQueue<Request> requests() {
        return requests;
    }

    /** Writes a complete response with a Content-Length. */
    static void respond(OutputStream out, int status, String body, String... headers) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Length: ").append(b.length).append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 302 -> "Found";
            case 404 -> "Not Found";
            default -> "Status";
        };
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String[] parts = line.split(" ", 3);
                List<String[]> headers = new ArrayList<>();
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    int c = h.indexOf(':');
                    headers.add(new String[] {h.substring(0, c), h.substring(c + 1).trim()});
                }
                Request head = new Request(id, parts[0], parts[1], headers, new byte[0], 0);
                Request req = bodyMode == BodyMode.LEAVE ? head : readBody(head, in, out);
                requests.add(req);
                if (!handler.handle(req, in, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection
        } finally {
            open.remove(s);
        }
    }

    private Request readBody(Request head, InputStream in, OutputStream out) throws IOException {
        String expect = head.header("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        ByteArrayOutputStream keep = new ByteArrayOutputStream();
        long count = 0;
        byte[] buf = new byte[65536];
        String te = head.header("Transfer-Encoding");
        String cl = head.header("Content-Length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                long size = Long.parseLong(readLine(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        continue;
                    }
                    break;
                }
                count += copy(in, size, keep, buf);
                readLine(in);
            }
        } else if (cl != null) {
            count += copy(in, Long.parseLong(cl), keep, buf);
        }
        return new Request(head.connection(), head.method(), head.target(), head.headers(), keep.toByteArray(), count);
    }

    private long copy(InputStream in, long n, ByteArrayOutputStream keep, byte[] buf) throws IOException {
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("eof in body");
            }
            if (bodyMode == BodyMode.KEEP) {
                keep.write(buf, 0, r);
            }
            left -= r;
        }
        return n;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        acceptor.interrupt();
    }
}
