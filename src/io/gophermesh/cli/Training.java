package io.gophermesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.stream.Stream;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.Engine;
import io.gophermesh.engine.EngineOptions;
import io.gophermesh.engine.Role;

/**
 * {@code --aot-train}: the training run of the JDK's ahead-of-time cache ({@code -XX:AOTCacheOutput}).
 * The JVM records which classes a run loads and links, so this run does what a normal start does:
 * loads a config file, binds one route of each kind plus the dashboard, serves one exchange on
 * each, answers the dashboard API, then stops cleanly. Every port is a free one on 127.0.0.1 and
 * the backends live inside this JVM, so it can run on a build machine whatever else listens there,
 * and nothing outlives it.
 */
final class Training {
    private static final int ATTEMPTS = 5;
    private static final int TIMEOUT_MS = 5_000;
    private static final byte[] BODY = "trained\n".getBytes(StandardCharsets.US_ASCII);

    private Training() {
    }

    /** {@return 0 when every exchange was served, 1 otherwise (the reason on {@code err})} */
    static int run(PrintStream err) {
        Path dir = null;
        List<Handler> restore = quietLog();
        try (Backends backends = Backends.start()) {
            dir = Files.createTempDirectory("mesh-train");
            for (int attempt = 1; ; attempt++) {
                int[] ports = freePorts(6);
                Path file = dir.resolve("config.json");
                Files.writeString(file, config(ports, backends), StandardCharsets.UTF_8);
                Engine engine = Engine.create(Config.load(file), new EngineOptions(true, null));
                try {
                    try {
                        engine.start();
                        if (engine.role() != Role.MASTER) {
                            throw new IOException("dashboard port " + ports[0] + " was taken");
                        }
                    } catch (IOException e) {
                        // another program took one of the free ports meanwhile: pick others
                        if (attempt == ATTEMPTS) {
                            throw e;
                        }
                        continue;
                    }
                    exercise(ports);
                    return 0;
                } finally {
                    engine.shutdown(Main.SHUTDOWN_BUDGET);
                }
            }
        } catch (IOException | ConfigException | RuntimeException e) {
            err.println("mesh: --aot-train failed: " + e);
            e.printStackTrace(err);
            return 1;
        } finally {
            unquietLog(restore);
            deleteTree(dir);
        }
    }

    /** The routes, in the order of {@code ports} after the dashboard's: http, proxy, tcp, stdio, stdio http. */
    private static String config(int[] ports, Backends backends) {
        String cat = Files.isExecutable(Path.of("/bin/cat")) ? "/bin/cat" : null;
        StringBuilder routes = new StringBuilder();
        routes.append(route(ports[1], "health", "http", "{\"name\": \"health\", \"cmd\": \"internal\"}"));
        routes.append(",\n").append(route(ports[2], "proxy", "http",
                "{\"name\": \"web\", \"cmd\": \"\", \"internal_port\": \"" + backends.http.getLocalPort() + "\"}"));
        routes.append(",\n").append(route(ports[3], "echo", "tcp",
                "{\"name\": \"echo\", \"cmd\": \"\", \"internal_port\": \"" + backends.echo.getLocalPort() + "\"}"));
        if (cat != null) {
            routes.append(",\n").append(route(ports[4], "cat", "stdio", "{\"name\": \"cat\", \"cmd\": \"" + cat + "\"}"));
            routes.append(",\n").append(route(ports[5], "cat-http", "stdio",
                    "{\"name\": \"cat\", \"cmd\": \"" + cat + "\"}").replace("\"stdio\",", "\"stdio\", \"stdio_mode\": \"http\","));
        }
        return "{\n  \"dashboard_host\": \"127.0.0.1\",\n  \"dashboard_port\": \"" + ports[0] + "\",\n"
                + "  \"routes\": {\n" + routes + "\n  }\n}\n";
    }

    private static String route(int port, String name, String protocol, String backend) {
        return "    \"" + port + "\": {\"name\": \"" + name + "\", \"protocol\": \"" + protocol
                + "\", \"backends\": [" + backend + "]}";
    }

    private static void exercise(int[] ports) throws IOException {
        expect(http(ports[1], "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), "health route");
        expect(http(ports[2], "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                + "Content-Type: text/plain\r\nConnection: close\r\n\r\nhello"), "proxy route");
        expect(roundTrip(ports[3], "ping\n", true).equals("ping\n") ? "HTTP/1.1 200" : "", "tcp route");
        if (Files.isExecutable(Path.of("/bin/cat"))) {
            expect(roundTrip(ports[4], "ping\n", true).equals("ping\n") ? "HTTP/1.1 200" : "", "stdio route");
            // cat sends the request back and waits for more: the first bytes back are the exchange
            firstBytes(ports[5], "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
        for (String path : new String[] {"/", "/api/status", "/api/config", "/api/metrics", "/metrics", "/healthz"}) {
            expect(http(ports[0], "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + ports[0]
                    + "\r\nConnection: close\r\n\r\n"), "dashboard " + path);
        }
    }

    private static void expect(String response, String what) throws IOException {
        if (!response.startsWith("HTTP/1.1 200")) {
            String line = response.lines().findFirst().orElse("no answer");
            throw new IOException(what + ": expected 200, got '" + line + "'");
        }
    }

    /** Sends one request and reads one response, framed by its Content-Length or by the close. */
    private static String http(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = Backends.readHead(in);
            if (head == null) {
                return "";
            }
            long length = Backends.contentLength(head);
            byte[] body = length < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(length, 1 << 20));
            return head + new String(body, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException("127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code text}, optionally half-closes, and reads until the peer closes. */
    private static String roundTrip(int port, String text, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                s.shutdownOutput();
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException("127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    private static void firstBytes(int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            if (s.getInputStream().read() < 0) {
                throw new IOException("127.0.0.1:" + port + ": closed without an answer");
            }
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** Log lines are formatted as usual (that is part of a start) but go nowhere. */
    private static List<Handler> quietLog() {
        Logger root = Logger.getLogger("");
        List<Handler> plain = List.of(root.getHandlers());
        plain.forEach(root::removeHandler);
        root.addHandler(new StreamHandler(OutputStream.nullOutputStream(), new SimpleFormatter()));
        return plain;
    }

    private static void unquietLog(List<Handler> plain) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        plain.forEach(root::addHandler);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    /** An HTTP backend answering 200 and a TCP echo server, each one virtual thread per connection. */
    private record Backends(ServerSocket http, ServerSocket echo) implements AutoCloseable {
        static Backends start() throws IOException {
            ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Backends b = new Backends(http, echo);
            Thread.ofVirtual().name("train-http").start(() -> b.accept(http, Backends::answer));
            Thread.ofVirtual().name("train-echo").start(() -> b.accept(echo, s -> s.getInputStream().transferTo(s.getOutputStream())));
            return b;
        }

        private interface Serve {
            void serve(Socket s) throws IOException;
        }

        private void accept(ServerSocket server, Serve serve) {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.setSoTimeout(TIMEOUT_MS);
                            serve.serve(s);
                        } catch (IOException e) {
                            // the proxy closed or timed out: nothing to answer
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** Answers every request on the connection with 200 until the proxy closes it. */
        private static void answer(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                in.skipNBytes(Math.max(0, contentLength(head)));
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(BODY);
                out.flush();
            }
        }

        /** {@return the Content-Length of a message head, -1 when it has none} */
        static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            return -1;
        }

        static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                head.append((char) c);
                if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            try (http; echo) {
                // both closed, which ends their accept loops
            }
        }
    }
}
