package io.gophermesh.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, because the JDK client will not send a chosen {@code Host} header.
 * One request per connection ({@code Connection: close}).
 */
final class RawHttp {
    private RawHttp() {
    }

    /** A parsed response; header names in lower case. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    static Response get(int port, String path) throws IOException {
        return send(port, "GET", path, Map.of(), null);
    }

    /**
     * @param headers extra headers in order; a {@code Host} entry replaces the default
     *                {@code 127.0.0.1:PORT}
     */
    static Response send(int port, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        return send(InetAddress.getLoopbackAddress(), port, method, path, headers, body);
    }

    static Response send(InetAddress address, int port, String method, String path, Map<String, String> headers,
                         String body) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", (address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress()) + ":" + port);
        headers.forEach((k, v) -> {
            all.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
            all.put(k, v);
        });
        all.put("Connection", "close");
        byte[] bodyBytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (bodyBytes != null) {
            all.put("Content-Length", Integer.toString(bodyBytes.length));
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        all.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (bodyBytes != null) {
                out.write(bodyBytes);
            }
            out.flush();
            return parse(readResponse(s.getInputStream()));
        }
    }

    // Reads one response by its framing, not to end of stream, so keep-alive servers do not stall us.
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return all.toByteArray();
            }
            all.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        String head = all.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int cl = head.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int end = head.indexOf("\r\n", cl + 2);
            int length = Integer.parseInt(head.substring(cl + 17, end).trim());
            all.write(in.readNBytes(length));
        } else if (head.contains("\r\ntransfer-encoding: chunked")) {
            while (true) {
                ByteArrayOutputStream sizeLine = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    sizeLine.write(b);
                }
                all.write(sizeLine.toByteArray());
                all.write('\n');
                int size = Integer.parseInt(sizeLine.toString(StandardCharsets.ISO_8859_1).trim().split(";")[0], 16);
                all.write(in.readNBytes(size + 2));
                if (size == 0 || b < 0) {
                    break;
                }
            }
        } else if (!head.startsWith("http/1.1 204") && !head.startsWith("http/1.1 304")
                && !head.startsWith("http/1.1 1")) {
            all.write(in.readAllBytes());
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response head in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        List<String> te = headers.getOrDefault("transfer-encoding", List.of());
        if (!te.isEmpty() && te.getFirst().equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            int size = Integer.parseInt(new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    /** Reads a response head and then body lines as they come, for event streams. */
    static final class Stream implements AutoCloseable {
        private final Socket socket;
        private final InputStream raw;
        private boolean chunked;
        private int chunkLeft;
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();

        Stream(int port, String path, Map<String, String> extra) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(15_000);
            StringBuilder head = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: text/event-stream\r\n");
            extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            raw = socket.getInputStream();
            String statusLine = readLine(true);
            status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String line = readLine(true); line != null && !line.isEmpty(); line = readLine(true)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        }

        // One body byte, with chunk framing removed.
        private int read() throws IOException {
            if (!chunked) {
                return raw.read();
            }
            if (chunkLeft == 0) {
                StringBuilder size = new StringBuilder();
                int b;
                while ((b = raw.read()) >= 0 && b != '\n') {
                    if (b != '\r') {
                        size.append((char) b);
                    }
                }
                if (b < 0 || size.isEmpty()) {
                    return -1;
                }
                chunkLeft = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
                if (chunkLeft == 0) {
                    return -1;
                }
            }
            int b = raw.read();
            chunkLeft--;
            if (chunkLeft == 0) {
                raw.read();
                raw.read();
            }
            return b;
        }

        /** @return the next line without its end, {@code null} at end of stream */
        String readLine() throws IOException {
            return readLine(false);
        }

        private String readLine(boolean head) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = head ? raw.read() : read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }

        /** One server-sent event; comments are skipped. */
        record Event(String name, String data) {
        }

        /** @return the next event, {@code null} at end of stream */
        Event nextEvent() throws IOException {
            String name = "message";
            StringBuilder data = null;
            for (String line = readLine(); line != null; line = readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return new Event(name, data.toString());
                    }
                    name = "message";
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String d = line.substring(5);
                    d = d.startsWith(" ") ? d.substring(1) : d;
                    data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                }
            }
            return null;
        }

        /** @return the next event with this name, skipping others */
        Event next(String name) throws IOException {
            for (Event e = nextEvent(); e != null; e = nextEvent()) {
                if (e.name().equals(name)) {
                    return e;
                }
            }
            throw new IOException("event stream ended before a '" + name + "' event");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
