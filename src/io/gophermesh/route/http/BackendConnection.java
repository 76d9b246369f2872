package io.gophermesh.route.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One HTTP/1.1 connection to a backend, used by one exchange at a time: it writes request bytes,
 * parses response heads and de-frames response bodies (length, chunked or close-delimited). It holds
 * no request or response beyond a small read buffer, so bodies of any size stream through it.
 */
final class BackendConnection implements AutoCloseable {
    /** Body copy buffer: large pieces mean fewer socket calls on both sides of the proxy. */
    static final int COPY_BUFFER = 64 * 1024;
    private static final int NONE = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    private static final int TO_CLOSE = 3;

    private final SocketChannel channel;
    private final Socket socket;
    private final InBuffer in;
    private final OutBuffer out;
    private final byte[] copy = new byte[COPY_BUFFER];
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    /** Made by the probe of a cold start, not for this exchange: it may fail as an idle one can. */
    private final boolean handedOver;

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
        this.in = new InBuffer(socket);
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
        return in.received();
    }

    /** Resets the per-exchange state before a new request is written. */
    void startExchange() {
        in.resetReceived();
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
        return !broken && in.buffered() == 0 && channel.isOpen();
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
        in.readTimeout(millis);
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
        return in.readHead(deadlineNanos);
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
                int n = in.read(dst, off, (int) Math.min(len, remaining));
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
                int n = in.read(dst, off, len);
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
            return in.chunkHeaderReady(chunkStarted) ? 1 : 0;
        }
        return in.available();
    }

    /**
     * Reads raw bytes (tunnels).
     *
     * @return bytes read, -1 at end of stream
     */
    int readRaw(byte[] dst) throws IOException {
        return in.read(dst, 0, dst.length);
    }

    /** {@return whether it can go back to the pool} */
    boolean reusable() {
        return !broken && channel.isOpen() && in.buffered() == 0;
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
                String crlf = in.readLine(0);
                if (!crlf.isEmpty()) {
                    throw new ProtocolException("chunk not followed by CRLF");
                }
            }
            chunkStarted = true;
            remaining = Chunks.parseSize(in.readLine(0));
            if (remaining == 0) {
                // trailers are dropped: a proxy may only forward them if it announces them in advance
                while (!in.readLine(0).isEmpty()) {
                    continue;
                }
                bodyDone = true;
                return -1;
            }
        }
        int n = in.read(dst, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("backend closed the connection inside a chunk");
        }
        remaining -= n;
        return n;
    }
}
