package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Copies a request body to a child's stdin on a thread of its own, while the child's output is
 * already being sent back, then closes stdin. When the child stops reading, the rest of the body is
 * still read from the client (and dropped), so the connection stays usable.
 */
final class BodyPump {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final RequestBody body;
    private final Child child;
    private final byte[] first;
    private final boolean chunked;
    private Thread thread;
    private volatile HttpProblem problem;
    private volatile boolean complete;

    /**
     * @param body    the request body, maybe partly read already
     * @param child   the child to feed
     * @param first   bytes written before the body (the request head, or a body prefix read ahead)
     * @param chunked whether to write the body chunked again (http mode passes the request as it came)
     */
    BodyPump(RequestBody body, Child child, byte[] first, boolean chunked) {
        this.body = body;
        this.child = child;
        this.first = first;
        this.chunked = chunked;
    }

    /** {@return this pump, started} */
    BodyPump start() {
        thread = Thread.ofVirtual().name("stdio-body-" + child.pid()).start(this::run);
        return this;
    }

    /**
     * @param wait longest wait for the pump to end
     * @return whether it has ended
     */
    boolean await(Duration wait) {
        try {
            return thread.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@return whether the whole body was read from the client} */
    boolean complete() {
        return complete;
    }

    /** {@return why the body was refused (malformed, too large), {@code null} if it was not} */
    HttpProblem problem() {
        return problem;
    }

    private void run() {
        OutputStream stdin = child.stdin();
        boolean open = write(stdin, first, true);
        try {
            byte[] piece;
            while ((piece = body.next()) != null) {
                if (open && chunked) {
                    open = write(stdin, (Integer.toHexString(piece.length) + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII), false)
                            && write(stdin, piece, false) && write(stdin, new byte[] {'\r', '\n'}, true);
                } else if (open) {
                    open = write(stdin, piece, true);
                }
            }
            if (open && chunked) {
                write(stdin, LAST_CHUNK, true);
            }
            complete = true;
        } catch (HttpProblem e) {
            problem = e;
            child.kill(e.getMessage());
        } catch (IOException e) {
            child.kill("client closed before the end of the request body");
        } finally {
            Child.closeQuietly(stdin);
        }
    }

    private static boolean write(OutputStream stdin, byte[] bytes, boolean flush) {
        if (bytes.length == 0) {
            return true;
        }
        try {
            stdin.write(bytes);
            if (flush) {
                stdin.flush();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
