package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Decides the mode of an {@code auto} connection from its first bytes: an HTTP method followed by a
 * space means HTTP; anything else, or silence for {@link #WINDOW}, means a raw stream.
 */
final class Sniffer {
    /** Longest wait for the first bytes. */
    static final Duration WINDOW = Duration.ofMillis(250);
    private static final List<String> METHODS = List.of("GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ",
            "OPTIONS ", "TRACE ", "PATCH ", "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ",
            "UNLOCK ", "REPORT ");
    private static final int MAX_PEEK = 16;

    private Sniffer() {
    }

    /**
     * What was read while deciding.
     *
     * @param bytes the bytes read, to be delivered before anything else
     * @param http  whether they start an HTTP request
     */
    record Result(byte[] bytes, boolean http) {
    }

    /**
     * Reads until the first bytes decide the mode, the client goes quiet for {@link #WINDOW} or
     * closes its side.
     *
     * @param socket client connection
     * @return the bytes read and the verdict
     * @throws IOException when the connection fails
     */
    static Result sniff(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[MAX_PEEK];
        int len = 0;
        long deadline = System.nanoTime() + WINDOW.toNanos();
        try {
            while (len < MAX_PEEK) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buf, len, MAX_PEEK - len);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                len += n;
                Verdict v = judge(new String(buf, 0, len, StandardCharsets.ISO_8859_1));
                if (v != Verdict.UNDECIDED) {
                    return new Result(Arrays.copyOf(buf, len), v == Verdict.HTTP);
                }
            }
        } finally {
            socket.setSoTimeout(0);
        }
        return new Result(Arrays.copyOf(buf, len), false);
    }

    private enum Verdict { HTTP, STREAM, UNDECIDED }

    private static Verdict judge(String start) {
        boolean couldBe = false;
        for (String method : METHODS) {
            if (start.startsWith(method)) {
                return Verdict.HTTP;
            }
            if (method.startsWith(start)) {
                couldBe = true;
            }
        }
        return couldBe ? Verdict.UNDECIDED : Verdict.STREAM;
    }
}
