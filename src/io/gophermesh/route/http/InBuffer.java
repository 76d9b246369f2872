package io.gophermesh.route.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Bytes read from a backend socket and not consumed yet, the counterpart of {@link OutBuffer}.
 * Response heads and chunk framing are cut from it in place; body bytes beyond it are read
 * straight into the caller's array, so a body never passes through it whole. It also keeps the
 * socket's read timeout, since a head's deadline becomes that timeout before each read.
 */
final class InBuffer {
    /** Longest response head accepted from a backend. */
    static final int MAX_HEAD = 64 * 1024;

    private static final int SIZE = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final byte[] buf = new byte[SIZE];
    private int pos;
    private int lim;
    private long received;
    private int timeoutMillis = -1;

    /** @param socket the backend connection's socket, read only through this buffer */
    InBuffer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** {@return bytes received since the last {@link #resetReceived()}} */
    long received() {
        return received;
    }

    /** Starts counting anew, for the next exchange. */
    void resetReceived() {
        received = 0;
    }

    /** {@return bytes held and not consumed yet} */
    int buffered() {
        return lim - pos;
    }

    /**
     * Sets the socket's read timeout for what follows.
     *
     * @param millis 0 for none
     */
    void readTimeout(int millis) throws IOException {
        if (millis != timeoutMillis) {
            socket.setSoTimeout(millis);
            timeoutMillis = millis;
        }
    }

    /**
     * Reads one response head.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the head must be complete, 0 for none
     * @return the head
     * @throws EOFException when the backend closed the connection before sending a whole head
     * @throws SocketTimeoutException when the deadline passed
     * @throws ProtocolException when the head is malformed or too large
     */
    ResponseHead readHead(long deadlineNanos) throws IOException {
        int budget = MAX_HEAD;
        String statusLine = readLine(deadlineNanos);
        budget -= statusLine.length();
        ResponseHead head = ResponseHead.parseStatusLine(statusLine);
        while (true) {
            // header lines are cut straight from the read buffer: no line string to split again
            int lf = bufferLine(deadlineNanos);
            int start = pos;
            int end = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
            pos = lf + 1;
            budget -= end - start + 2;
            if (budget < 0) {
                throw new ProtocolException("response head larger than " + MAX_HEAD + " bytes");
            }
            if (end == start) {
                return head;
            }
            head.addLine(buf, start, end);
        }
    }

    /**
     * Reads what is held, or else from the socket.
     *
     * @return bytes read into {@code dst[off, off + len)}, -1 at end of stream
     */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos < lim) {
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            return n;
        }
        int n = in.read(dst, off, len);
        if (n > 0) {
            received += n;
        }
        return n;
    }

    /**
     * Reads one line (status line, chunk size, trailer).
     *
     * @param deadlineNanos as for {@link #readHead}
     * @return the line, without its CRLF or LF
     */
    String readLine(long deadlineNanos) throws IOException {
        int lf = bufferLine(deadlineNanos);
        int end = lf > pos && buf[lf - 1] == '\r' ? lf - 1 : lf;
        String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = lf + 1;
        return line;
    }

    /** {@return bytes held plus those the socket has without blocking, 0 when that cannot be told} */
    int available() {
        try {
            return lim - pos + in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Takes in what the socket holds without waiting, then checks the framing of the next chunk
     * (see {@link Chunks#headerComplete}).
     *
     * @param afterChunk whether a chunk's data was read, so its CRLF comes first
     */
    boolean chunkHeaderReady(boolean afterChunk) {
        try {
            int ready = in.available();
            if (ready > 0) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                }
                int n = lim < buf.length ? in.read(buf, lim, Math.min(ready, buf.length - lim)) : 0;
                if (n > 0) {
                    lim += n;
                    received += n;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return Chunks.headerComplete(buf, pos, lim, afterChunk);
    }

    /**
     * Reads until a whole line starts at {@code pos}.
     *
     * @return the index of the line's LF in {@code buf}
     */
    private int bufferLine(long deadlineNanos) throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    return i;
                }
            }
            int kept = lim - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, kept);
                pos = 0;
                lim = kept;
            }
            if (lim == buf.length) {
                throw new ProtocolException("response line longer than " + buf.length + " bytes");
            }
            scanned = lim;
            if (deadlineNanos != 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no response head in time");
                }
                readTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw new EOFException(received == 0
                        ? "backend closed the connection without a response"
                        : "backend closed the connection inside the response head");
            }
            lim += n;
            received += n;
        }
    }
}
