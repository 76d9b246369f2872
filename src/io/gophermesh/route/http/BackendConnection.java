package io.gophermesh.route.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to a backend, used by one exchange at a time: it writes request bytes,
 * parses response heads and de-frames response bodies (length, chunked or close-delimited). It holds
 * no request or response beyond a small read buffer, so bodies of any size stream through it.
 */
final class BackendConnection implements AutoCloseable {
    /** Longest response head accepted from a backend. */
    static final int MAX_HEAD = 64 * 1024;

    private static final int BUFFER = 16 * 1024;
    /** Body copy buffer: large pieces mean fewer socket calls on both sides of the proxy. */
    static final int COPY_BUFFER = 64 * 1024;
    private static final int NONE = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    private static final int TO_CLOSE = 3;

    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream in;
    private final OutBuffer out;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] copy = new byte[COPY_BUFFER];
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    /** Made by the probe of a cold start, not for this exchange: it may fail as an idle one can. */
    private final boolean handedOver;
    private int pos;
    private int lim;
    private long received;
    private int timeoutMillis = -1;

    private int mode = NONE;
    private long remaining;
    private boolean chunkStarted;
    private boolean bodyDone;
    private boolean broken;

    long idleSinceNanos;

    private BackendConnection(SocketChannel channel, boolean handedOver) throws IOException {
        this.channel = channel;
        this.handedOver = handedOver;
        this.socket = channel.socket();
        this.in = socket.getInputStream();
        this.out = new OutBuffer(socket.getOutputStream());
    }

    /**
     * Connects to a backend.
     *
     * @param address resolved address
     * @param timeoutMillis longest wait for the connection, 0 for none
     * @return the connection
     * @throws IOException {@link java.net.ConnectException} when refused, {@link SocketTimeoutException} on timeout
     */
    static BackendConnection open(InetSocketAddress address, int timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(address, timeoutMillis);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return wrap(channel, false);
    }

    /**
     * @param channel the connection with which a cold start found the backend ready; closed on failure
     * @return the connection
     * @throws IOException when the socket option cannot be set (the connection is gone)
     */
    static BackendConnection adopt(SocketChannel channel) throws IOException {
        return wrap(channel, true);
    }

    private static BackendConnection wrap(SocketChannel channel, boolean handedOver) throws IOException {
        try {
            channel.socket().setTcpNoDelay(true);
            return new BackendConnection(channel, handedOver);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** {@return whether this connection was made before its first exchange, by a cold start's probe} */
    boolean handedOver() {
        return handedOver;
    }

    /** {@return a buffer the exchange may use to copy bodies; owned by this connection} */
    byte[] copyBuffer() {
        return copy;
    }

    /** {@return bytes received from the backend since {@link #startExchange()}} */
    long received() {
        return received;
    }

    /** Resets the per-exchange state before a new request is written. */
    void startExchange() {
        received = 0;
        mode = NONE;
        bodyDone = false;
    }

    /**
     * Cheap check, before reuse, that the backend has not closed this idle connection. A pooled
     * connection must have nothing to read: end of stream or unsolicited bytes both disqualify it.
     *
     * @return whether the connection looks usable
     */
    boolean alive() {
        if (!looksOpen()) {
            return false;
        }
        try {
            channel.configureBlocking(false);
            try {
                probe.clear();
                return channel.read(probe) == 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@return whether nothing known without a socket call rules the connection out} */
    private boolean looksOpen() {
        return !broken && pos == lim && channel.isOpen();
    }

    /** Sends what is held and then {@code bytes[off, off + len)}, now (see {@link OutBuffer#send}). */
    void send(byte[] bytes, int off, int len) throws IOException {
        out.send(bytes, off, len, false);
    }

    /** Sends what is held and then {@code bytes[off, off + len)} as the data of one chunk, now. */
    void sendChunk(byte[] bytes, int off, int len) throws IOException {
        out.hex(len).crlf();
        out.send(bytes, off, len, true);
    }

    /** {@return the buffer of bytes to send, for heads and chunk framing written in place; {@link #flush()} sends it} */
    OutBuffer out() {
        return out;
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Half-closes towards the backend: it sees end of stream, replies still arrive. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    /**
     * Sets the read timeout for what follows (body reads and tunnels).
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
     * Prepares body reading for {@code head}.
     *
     * @param head     the final response head
     * @param bodyless whether no body follows (HEAD, 204, 304)
     */
    void beginBody(ResponseHead head, boolean bodyless) {
        chunkStarted = false;
        if (bodyless) {
            mode = NONE;
            bodyDone = true;
        } else if (head.chunked()) {
            mode = CHUNKED;
            remaining = 0;
        } else if (head.contentLength() >= 0) {
            mode = LENGTH;
            remaining = head.contentLength();
            bodyDone = remaining == 0;
        } else {
            mode = TO_CLOSE;
        }
    }

    /** {@return true when the body ended by its framing, so the connection could carry another exchange} */
    boolean bodyComplete() {
        return bodyDone && mode != TO_CLOSE;
    }

    /**
     * Reads the next piece of the response body.
     *
     * @param dst where to put it
     * @return bytes read, -1 at the end of the body
     * @throws EOFException when the backend closed the connection inside the body
     */
    int readBody(byte[] dst) throws IOException {
        return readBody(dst, 0, dst.length);
    }

    /**
     * Reads the next piece of the response body into {@code dst[off, off + len)}.
     *
     * @return bytes read, -1 at the end of the body
     * @throws EOFException when the backend closed the connection inside the body
     */
    int readBody(byte[] dst, int off, int len) throws IOException {
        switch (mode) {
            case LENGTH -> {
                if (remaining == 0) {
                    bodyDone = true;
                    return -1;
                }
                int n = read(dst, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("backend closed the connection with " + remaining + " body bytes missing");
                }
                remaining -= n;
                if (remaining == 0) {
                    // known at once, so the connection can go back to the pool before the client has the last byte
                    bodyDone = true;
                }
                return n;
            }
            case CHUNKED -> {
                return readChunked(dst, off, len);
            }
            case TO_CLOSE -> {
                int n = read(dst, off, len);
                if (n < 0) {
                    bodyDone = true;
                }
                return n;
            }
            default -> {
                return -1;
            }
        }
    }

    /**
     * Whether more body bytes can be read without blocking, to decide when to send what was read
     * to the client. Between chunks only a complete chunk header followed by data (or a complete
     * last chunk) counts: a lone CRLF or a partial size line would make the next read wait.
     *
     * @return an estimate of such bytes, 0 when the next read may block
     */
    int available() {
        if (mode == CHUNKED && remaining == 0 && !bodyDone) {
            return nextChunkReady() ? 1 : 0;
        }
        try {
            return lim - pos + in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Takes in what the socket holds without waiting, then checks the framing of the next chunk. */
    private boolean nextChunkReady() {
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
        return Chunks.headerComplete(buf, pos, lim, chunkStarted);
    }

    /**
     * Reads raw bytes (tunnels).
     *
     * @return bytes read, -1 at end of stream
     */
    int readRaw(byte[] dst) throws IOException {
        return read(dst, 0, dst.length);
    }

    /** {@return whether it can go back to the pool} */
    boolean reusable() {
        return !broken && channel.isOpen() && pos == lim;
    }

    @Override
    public void close() {
        broken = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a broken socket cannot fail in a way that matters
        }
    }

    private int readChunked(byte[] dst, int off, int len) throws IOException {
        if (bodyDone) {
            return -1;
        }
        if (remaining == 0) {
            if (chunkStarted) {
                String crlf = readLine(0);
                if (!crlf.isEmpty()) {
                    throw new ProtocolException("chunk not followed by CRLF");
                }
            }
            chunkStarted = true;
            remaining = Chunks.parseSize(readLine(0));
            if (remaining == 0) {
                // trailers are dropped: a proxy may only forward them if it announces them in advance
                while (!readLine(0).isEmpty()) {
                    continue;
                }
                bodyDone = true;
                return -1;
            }
        }
        int n = read(dst, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("backend closed the connection inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private int read(byte[] dst, int off, int len) throws IOException {
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

    private String readLine(long deadlineNanos) throws IOException {
        int lf = bufferLine(deadlineNanos);
        int end = lf > pos && buf[lf - 1] == '\r' ? lf - 1 : lf;
        String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = lf + 1;
        return line;
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
