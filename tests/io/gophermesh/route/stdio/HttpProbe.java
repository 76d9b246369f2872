package io.gophermesh.route.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client for tests: exact bytes out, a parsed response in. */
final class HttpProbe {
    private HttpProbe() {
    }

    /**
     * @param status   status code
     * @param headers  lower-cased names to values
     * @param body     body, de-chunked
     * @param complete whether the body ended properly (last chunk, or full Content-Length)
     */
    record Response(int status, Map<String, List<String>> headers, byte[] body, boolean complete) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.getFirst();
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        return s;
    }

    /** Sends {@code request} as it is and reads one response. */
    static Response send(int port, String request) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s.getInputStream(), request.startsWith("HEAD "));
        }
    }

    /** A GET with Connection: close. */
    static Response get(int port, String target) throws IOException {
        return send(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
    }

    /** Reads one response (skipping 100 Continue). */
    static Response read(InputStream in, boolean head) throws IOException {
        while (true) {
            String status = line(in);
            if (status == null) {
                throw new IOException("connection closed before a response");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String l;
            while ((l = line(in)) != null && !l.isEmpty()) {
                int c = l.indexOf(':');
                headers.computeIfAbsent(l.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(l.substring(c + 1).trim());
            }
            if (code == 100) {
                continue;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete = true;
            if (head || code == 204 || code == 304) {
                return new Response(code, headers, body.toByteArray(), true);
            }
            if ("chunked".equals(first(headers, "transfer-encoding"))) {
                complete = false;
                String size;
                while ((size = line(in)) != null) {
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        line(in);
                        complete = true;
                        break;
                    }
                    byte[] chunk = in.readNBytes(n);
                    body.write(chunk);
                    if (chunk.length < n) {
                        break;
                    }
                    line(in);
                }
            } else if (first(headers, "content-length") != null) {
                int n = Integer.parseInt(first(headers, "content-length"));
                byte[] b = in.readNBytes(n);
                body.write(b);
                complete = b.length == n;
            } else {
                body.write(in.readAllBytes());
            }
            return new Response(code, headers, body.toByteArray(), complete);
        }
    }

    /** Reads one CRLF- (or LF-) terminated line, null at EOF before any byte. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null ? null : v.getFirst();
    }
}
