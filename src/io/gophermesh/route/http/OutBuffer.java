package io.gophermesh.route.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Bytes on their way to a backend socket. Request heads are encoded straight into it (no string
 * is built and then encoded), so a request without a body leaves in one write of this buffer.
 * Body pieces leave as they come, together with what is held when they fit, else on their own.
 * Without a sink it only collects, to build a head ahead of a connection.
 */
final class OutBuffer {
    /** Room for a head and a small body, which then leave in one write; a larger head grows it. */
    private static final int SIZE = 16 * 1024;

    private final OutputStream sink;
    private byte[] buf = new byte[SIZE];
    private int len;

    /** @param sink where {@link #flush()} writes, {@code null} for a buffer that only collects */
    OutBuffer(OutputStream sink) {
        this.sink = sink;
    }

    /** Appends {@code s}, whose characters are all below U+0100 (request heads are checked printable ASCII). */
    OutBuffer ascii(String s) {
        int n = s.length();
        room(n);
        byte[] b = buf;
        int at = len;
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
        len = at + n;
        return this;
    }

    OutBuffer ascii(char c) {
        room(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** Appends {@code CRLF}. */
    OutBuffer crlf() {
        room(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        return this;
    }

    OutBuffer decimal(long v) {
        return ascii(Long.toString(v));
    }

    /** Appends {@code v} in lower-case hex, as chunk sizes are written. */
    OutBuffer hex(int v) {
        return ascii(Integer.toHexString(v));
    }

    /**
     * Sends what is held, then {@code b[off, off + n)}, then CRLF when {@code crlf} is set, all at
     * once: a piece of a streamed body must not wait in here for the next one. One write when it
     * all fits the buffer (a head with a small body, a small chunk); otherwise the piece goes out
     * on its own, without being copied.
     */
    void send(byte[] b, int off, int n, boolean crlf) throws IOException {
        if ((len > 0 || crlf) && len + n + 2 <= buf.length) {
            System.arraycopy(b, off, buf, len, n);
            len += n;
            if (crlf) {
                crlf();
            }
            flush();
            return;
        }
        if (len > 0) {
            sink.write(buf, 0, len);
            len = 0;
        }
        sink.write(b, off, n);
        if (crlf) {
            crlf();
        }
        flush();
    }

    /** Sends what is held. */
    void flush() throws IOException {
        if (len > 0) {
            sink.write(buf, 0, len);
            len = 0;
        }
        sink.flush();
    }

    /** {@return a copy of what is held} */
    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
