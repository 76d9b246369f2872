import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small load tools of the benchmark harness, in one file with {@code LoopRelay.java} beside it, so
 * that {@code bench/run} compiles them with one {@code javac} call. Everything binds or connects to
 * 127.0.0.1 only.
 *
 * <pre>
 *   echo PORT                      TCP echo server (one virtual thread per connection)
 *   sink PORT                      HTTP/1.1 server that reads and discards request bodies
 *   relay PORT BACKEND_PORT        the least an HTTP/1.1 keep-alive relay on virtual threads does:
 *                                  requests without bodies, answers with Content-Length, pooled
 *                                  backend connections, no header handling at all (a floor for
 *                                  scenario 1, not a proxy)
 *   pipe PORT BACKEND_PORT         the least a TCP relay on virtual threads does: one connection to
 *                                  the backend per client, bytes copied both ways by two threads,
 *                                  each end passed on (a floor for scenario 4, not a proxy)
 *   loop PORT BACKEND_PORT         the same TCP relay as pipe, on one non-blocking event loop per
 *                                  core (platform threads and selectors, as nginx works) instead of
 *                                  virtual threads: shows what the threading model costs
 *   connrate PORT CONC WARMUP_S SECONDS PAYLOAD MAX_CONNS [PACE_MS]
 *                                  new connection + one echo exchange per iteration, CONC threads;
 *                                  with PACE_MS each thread starts one exchange every PACE_MS
 *                                  (open loop) instead of back to back; prints one JSON line:
 *                                  conns/s, p50/p99 in ms, errors
 * </pre>
 */
public final class BenchTool {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private BenchTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BenchTool echo PORT | sink PORT | relay PORT BACKEND_PORT | pipe PORT BACKEND_PORT | loop PORT BACKEND_PORT | connrate PORT CONC WARMUP_S SECONDS PAYLOAD MAX_CONNS [PACE_MS]");
            System.exit(2);
        }
        switch (args[0]) {
            case "echo" -> serve(Integer.parseInt(args[1]), BenchTool::echo);
            case "sink" -> serve(Integer.parseInt(args[1]), BenchTool::sink);
            case "relay" -> {
                Relay relay = new Relay(new InetSocketAddress(LOOPBACK, Integer.parseInt(args[2])));
                serve(Integer.parseInt(args[1]), relay::handle);
            }
            case "pipe" -> {
                InetSocketAddress backend = new InetSocketAddress(LOOPBACK, Integer.parseInt(args[2]));
                serve(Integer.parseInt(args[1]), client -> pipe(client, backend));
            }
            case "loop" -> LoopRelay.run(Integer.parseInt(args[1]),
                    new InetSocketAddress(LOOPBACK, Integer.parseInt(args[2])));
            case "connrate" -> connrate(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Double.parseDouble(args[3]), Double.parseDouble(args[4]), Integer.parseInt(args[5]),
                    Long.parseLong(args[6]), args.length > 7 ? Double.parseDouble(args[7]) : 0);
            default -> {
                System.err.println("unknown tool " + args[0]);
                System.exit(2);
            }
        }
    }

    private interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private static void serve(int port, Handler handler) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(LOOPBACK, port), 4096);
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (socket) {
                        socket.setTcpNoDelay(true);
                        handler.handle(socket);
                    } catch (IOException e) {
                        // a peer that resets is part of load testing; nothing to report
                    }
                });
            }
        }
    }

    private static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }

    private static void pipe(Socket client, InetSocketAddress backend) throws IOException {
        // no proxy: a plain socket skips the SOCKS layer and its proxy selection on every connect
        try (Socket server = new Socket(Proxy.NO_PROXY)) {
            server.connect(backend);
            server.setTcpNoDelay(true);
            AtomicInteger open = new AtomicInteger(2);
            Thread up = Thread.ofVirtual().start(() -> copy(client, server, open));
            copy(server, client, open);
            try {
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Copies until end of stream, then passes the end on, unless the other direction has ended
     * too: then the close that follows sends it.
     */
    private static void copy(Socket from, Socket to, AtomicInteger open) {
        byte[] buf = new byte[8 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            if (open.decrementAndGet() > 0) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            // a reset is part of load testing: the other side's copy ends too
        }
    }

    /** Minimal HTTP/1.1: Content-Length or chunked bodies, Expect: 100-continue, keep-alive. */
    private static void sink(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream(), 256 * 1024);
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[256 * 1024];
        while (true) {
            List<String> head = readHead(in);
            if (head == null) {
                return;
            }
            long length = 0;
            boolean chunked = false;
            boolean close = false;
            boolean expect = false;
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    case "expect" -> expect = value.contains("100-continue");
                    default -> { }
                }
            }
            if (expect) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            long received = chunked ? discardChunked(in, buf) : discard(in, buf, length);
            byte[] body = (received + "\n").getBytes(StandardCharsets.US_ASCII);
            String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + (close ? "\r\nConnection: close" : "") + "\r\n\r\n";
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (close) {
                return;
            }
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (++total > 65536) {
                throw new IOException("request head too large");
            }
            if (c == '\n') {
                String text = line.toString().stripTrailing();
                line.setLength(0);
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    return lines;
                }
                lines.add(text);
            } else {
                line.append((char) c);
            }
        }
    }

    private static long discard(InputStream in, byte[] buf, long length) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("body ended early");
            }
            left -= n;
        }
        return length;
    }

    private static long discardChunked(InputStream in, byte[] buf) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return total;
            }
            total += discard(in, buf, size);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        if (c < 0) {
            throw new IOException("connection closed in chunked body");
        }
        return line.toString().strip();
    }

    /** A growable array of latencies in nanoseconds, one per client thread. */
    private static final class Samples {
        long[] values = new long[1 << 16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    private static void connrate(int port, int concurrency, double warmupSeconds, double seconds, int payload,
                                 long maxConns, double paceMs) throws InterruptedException {
        long pace = (long) (paceMs * 1e6);
        InetSocketAddress target = new InetSocketAddress(LOOPBACK, port);
        byte[] message = new byte[payload];
        Arrays.fill(message, (byte) 'x');
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long deadline = measureFrom + (long) (seconds * 1e9);
        AtomicLong budget = new AtomicLong(maxConns);
        AtomicLong errors = new AtomicLong();
        AtomicLong exchanges = new AtomicLong();
        AtomicLong lastError = new AtomicLong();
        String[] errorText = new String[1];
        Samples[] samples = new Samples[concurrency];
        Thread[] threads = new Thread[concurrency];
        for (int t = 0; t < concurrency; t++) {
            Samples mine = samples[t] = new Samples();
            threads[t] = Thread.ofPlatform().start(() -> {
                byte[] reply = new byte[payload];
                long next = System.nanoTime();
                while (true) {
                    if (pace > 0) {
                        long now = System.nanoTime();
                        if (next > now) {
                            sleepNanos(next - now);
                        } else if (now - next > pace) {
                            next = now; // fell behind: no catch-up burst
                        }
                        next += pace;
                    }
                    long t0 = System.nanoTime();
                    if (t0 >= deadline || budget.decrementAndGet() < 0) {
                        return;
                    }
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.connect(target, 5000);
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(message);
                        InputStream in = socket.getInputStream();
                        int got = 0;
                        while (got < payload) {
                            int n = in.read(reply, got, payload - got);
                            if (n < 0) {
                                throw new IOException("closed after " + got + " of " + payload + " bytes");
                            }
                            got += n;
                        }
                    } catch (IOException e) {
                        if (t0 >= measureFrom) {
                            errors.incrementAndGet();
                        }
                        synchronized (errorText) {
                            errorText[0] = e.toString();
                        }
                        lastError.set(System.nanoTime());
                        sleepQuietly();
                        continue;
                    }
                    long t1 = System.nanoTime();
                    exchanges.incrementAndGet();
                    if (t0 >= measureFrom && t1 <= deadline) {
                        mine.add(t1 - t0);
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        int total = 0;
        for (Samples s : samples) {
            total += s.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (Samples s : samples) {
            System.arraycopy(s.values, 0, all, at, s.size);
            at += s.size;
        }
        Arrays.sort(all);
        double elapsed = Math.max(1e-9, (Math.min(System.nanoTime(), deadline) - measureFrom) / 1e9);
        String err = errorText[0] == null ? "" : errorText[0].replace("\\", "/").replace("\"", "'");
        System.out.printf(Locale.ROOT,
                "{\"conns\":%d,\"all_conns\":%d,\"seconds\":%.3f,\"rate\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%d,\"last_error\":\"%s\"}%n",
                total, exchanges.get(), elapsed, total / elapsed, pct(all, 50) / 1e6, pct(all, 99) / 1e6, errors.get(), err);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** See {@code relay} in the class comment. */
    private static final class Relay {
        private final InetSocketAddress backend;
        private final ConcurrentLinkedDeque<Socket> idle = new ConcurrentLinkedDeque<>();

        Relay(InetSocketAddress backend) {
            this.backend = backend;
        }

        void handle(Socket client) throws IOException {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] request = new byte[16 * 1024];
            byte[] answer = new byte[64 * 1024];
            while (true) {
                int n = readHead(in, request);
                if (n < 0) {
                    return;
                }
                Socket b = idle.pollFirst();
                if (b == null) {
                    b = new Socket(backend.getAddress(), backend.getPort());
                    b.setTcpNoDelay(true);
                }
                try {
                    b.getOutputStream().write(request, 0, n);
                    InputStream bin = b.getInputStream();
                    int got = readHead(bin, answer);
                    if (got < 0) {
                        throw new IOException("backend closed");
                    }
                    int end = headEnd(answer, 0, got);
                    int total = end + contentLength(answer, end);
                    if (total > answer.length) {
                        throw new IOException("answer larger than " + answer.length + " bytes");
                    }
                    while (got < total) {
                        int r = bin.read(answer, got, total - got);
                        if (r < 0) {
                            throw new IOException("backend closed inside a body");
                        }
                        got += r;
                    }
                    idle.addFirst(b);
                    out.write(answer, 0, total);
                } catch (IOException e) {
                    b.close();
                    throw e;
                }
            }
        }

        /** Reads into {@code buf} until it holds a blank line; returns all bytes read, -1 at end of stream. */
        private static int readHead(InputStream in, byte[] buf) throws IOException {
            int n = 0;
            int scanned = 0;
            while (true) {
                int end = headEnd(buf, scanned, n);
                if (end > 0) {
                    return n;
                }
                if (n == buf.length) {
                    throw new IOException("head larger than " + buf.length + " bytes");
                }
                scanned = Math.max(0, n - 3);
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return -1;
                }
                n += r;
            }
        }

        private static int headEnd(byte[] b, int from, int n) {
            for (int i = from; i + 3 < n; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }

        private static int contentLength(byte[] b, int end) throws IOException {
            String head = new String(b, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int at = head.indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IOException("answer without Content-Length");
            }
            int from = at + 17;
            return Integer.parseInt(head.substring(from, head.indexOf('\r', from)).trim());
        }
    }
}
