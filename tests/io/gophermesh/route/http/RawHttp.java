package io.gophermesh.route.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A client that writes exact bytes to the route and parses exactly what comes back. */
final class RawHttp implements AutoCloseable {

    /** A response as the client saw it. */
    record Response(int status, String reason, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        List<String> all(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        this.socket.setSoTimeout(20_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    RawHttp send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends one request and reads its response. */
    static Response exchange(int port, String raw) throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            return c.send(raw).read(false);
        }
    }

    /** A GET with {@code Connection: close}. */
    static Response get(int port, String target, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return exchange(port, sb.append("Connection: close\r\n\r\n").toString());
    }

    /** Reads a response head only. */
    Response readHead() throws IOException {
        String status = TestBackend.readLine(in);
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        List<String[]> headers = new ArrayList<>();
        String h;
        while ((h = TestBackend.readLine(in)) != null && !h.isEmpty()) {
            int c = h.indexOf(':');
            headers.add(new String[] {h.substring(0, c), h.substring(c + 1).trim()});
        }
        return new Response(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", headers, new byte[0]);
    }

    /** Reads a whole response. */
    Response read(boolean head) throws IOException {
        Response r = readHead();
        if (head || r.status() == 204 || r.status() == 304 || r.status() < 200) {
            return r;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = r.header("Transfer-Encoding");
        String cl = r.header("Content-Length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                long size = Long.parseLong(TestBackend.readLine(in).trim(), 16);
                if (size == 0) {
                    while (!TestBackend.readLine(in).isEmpty()) {
                        continue;
                    }
                    break;
                }
                body.write(in.readNBytes((int) size));
                TestBackend.readLine(in);
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl)));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(r.status(), r.reason(), r.headers(), body.toByteArray());
    }

    /** @return true when the route closed the connection (end of stream or reset) */
    boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
