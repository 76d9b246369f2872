package io.gophermesh.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes exact bytes to a port and reads one HTTP/1.1 response. The request is written on its own
 * thread while the answer is read, so a server that answers early (414, 431) and closes is seen
 * answering rather than only resetting the write.
 */
final class Raw {
    /** No response: the connection ended before a status line. */
    static final int CLOSED = -1;
    /** No response within the timeout. */
    static final int HUNG = -2;

    /** One response; {@code status} is {@link #CLOSED} or {@link #HUNG} when there was none. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + headers + " " + (t.length() > 200 ? t.substring(0, 200) + "..." : t);
        }
    }

    private Raw() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Reply exchange(int port, String request) throws IOException {
        return exchange(port, ascii(request), Duration.ofSeconds(15));
    }

    static Reply exchange(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException ignored) {
                    // the server may answer and close before it read everything
                }
            });
            try {
                return read(s.getInputStream());
            } finally {
                writer.interrupt();
            }
        }
    }

    /** Reads one response from {@code in}. */
    static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return new Reply(CLOSED, Map.of(), head.toByteArray());
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketTimeoutException e) {
            return new Reply(HUNG, Map.of(), head.toByteArray());
        } catch (SocketException e) {
            if (head.size() == 0) {
                return new Reply(CLOSED, Map.of(), new byte[0]);
            }
            throw e;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int code = Integer.parseInt(status[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (code == 204 || code == 304 || code / 100 == 1) {
            return new Reply(code, headers, new byte[0]);
        }
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else {
            try {
                in.transferTo(body);
            } catch (SocketException e) {
                // a reset after the body
            }
        }
        return new Reply(code, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c < 0) {
            throw new IOException("connection ended inside a chunked body");
        }
        return b.toString();
    }
}
