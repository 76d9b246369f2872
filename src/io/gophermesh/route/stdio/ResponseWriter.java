package io.gophermesh.route.stdio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.helidon.http.Status;

import io.gophermesh.route.RouteMetrics;

/**
 * Writes HTTP/1.1 responses to one client: status line and headers, then a body framed by
 * {@code Content-Length}, chunks, or the end of the connection. Every write is flushed, so output
 * reaches the client as the child produces it.
 */
final class ResponseWriter {
    /** How the body of a response is delimited. */
    enum Framing {
        /** No body at all (HEAD, 204, 304). */
        NONE,
        /** {@code Content-Length} given by the headers. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** The body ends when the connection closes (HTTP/1.0 clients). */
        CLOSE
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final RouteMetrics metrics;
    private Framing framing = Framing.NONE;
    private boolean committed;

    /**
     * @param raw     the client's output stream
     * @param metrics counts the bytes sent
     */
    ResponseWriter(OutputStream raw, RouteMetrics metrics) {
        this.out = new BufferedOutputStream(raw, 16 * 1024);
        this.metrics = metrics;
    }

    /** {@return whether a status line has been sent for the current response} */
    boolean committed() {
        return committed;
    }

    /** Starts the next response on the same connection. */
    void reset() {
        committed = false;
        framing = Framing.NONE;
    }

    /**
     * Sends {@code 100 Continue}, which does not commit the response.
     *
     * @throws IOException when the client is gone
     */
    void interimContinue() throws IOException {
        send("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Sends the status line and headers.
     *
     * @param status  status code
     * @param reason  reason phrase, {@code null} for the standard one
     * @param headers name and value pairs, framing headers included as the caller wants them
     * @param framing how the body that follows is delimited
     * @throws IOException when the client is gone
     */
    void head(int status, String reason, List<String[]> headers, Framing framing) throws IOException {
        StringBuilder b = new StringBuilder(256);
        b.append("HTTP/1.1 ").append(status).append(' ')
                .append(reason == null || reason.isBlank() ? reasonPhrase(status) : reason).append("\r\n");
        for (String[] h : headers) {
            b.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (framing == Framing.CHUNKED) {
            b.append("Transfer-Encoding: chunked\r\n");
        }
        b.append("\r\n");
        committed = true;
        this.framing = framing;
        send(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Sends body bytes in the response's framing.
     *
     * @throws IOException when the client is gone
     */
    void body(byte[] buf, int off, int len) throws IOException {
        if (len == 0 || framing == Framing.NONE) {
            return;
        }
        if (framing == Framing.CHUNKED) {
            send(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
            send(CRLF);
            send(buf, off, len);
            send(CRLF);
        } else {
            send(buf, off, len);
        }
        out.flush();
    }

    /**
     * Ends the body (the last chunk when chunked).
     *
     * @throws IOException when the client is gone
     */
    void end() throws IOException {
        if (framing == Framing.CHUNKED) {
            send(LAST_CHUNK);
        }
        out.flush();
    }

    /**
     * Sends a complete short plain-text response.
     *
     * @param status  status code
     * @param message one line of text
     * @param close   whether the connection closes after it
     * @param extra   further headers
     * @throws IOException when the client is gone
     */
    void error(int status, String message, boolean close, List<String[]> extra) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        List<String[]> headers = new java.util.ArrayList<>(extra);
        headers.add(new String[] {"Content-Type", "text/plain; charset=utf-8"});
        headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        if (close) {
            headers.add(new String[] {"Connection", "close"});
        }
        head(status, null, headers, Framing.LENGTH);
        body(body, 0, body.length);
        end();
    }

    private void send(byte[] b) throws IOException {
        send(b, 0, b.length);
    }

    private void send(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        metrics.addBytesOut(len);
    }

    private static String reasonPhrase(int status) {
        String phrase = Status.create(status).reasonPhrase();
        return phrase == null || phrase.isBlank() ? "Status " + status : phrase;
    }
}
