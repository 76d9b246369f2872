package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Http mode: the raw request (line, headers, body) goes to the child's stdin while the body is
 * still arriving, and the child's stdout is streamed back as a chunked {@code 200 text/plain},
 * each piece as soon as the child writes it. This is the Go version's HTTP-over-stdio contract.
 */
final class StreamingHandler implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(StreamingHandler.class.getName());
    private static final List<String[]> HEADERS = List.of(
            new String[] {"Content-Type", "text/plain; charset=utf-8"},
            new String[] {"Cache-Control", "no-cache"},
            new String[] {"X-Accel-Buffering", "no"});
    private static final Duration BODY_WAIT = Duration.ofSeconds(1);

    @Override
    public boolean handle(HttpExchange ex) throws IOException {
        RequestHead head = ex.head();
        Lease lease;
        try {
            lease = ex.lease(Variables.http(head, ex.socket()));
        } catch (NoChildException e) {
            return ex.refuse(e);
        }
        try (lease) {
            Child child = lease.child();
            LOG.log(System.Logger.Level.DEBUG, () -> child.label() + ": serves " + head.method() + " "
                    + head.requestUri());
            if (head.expectContinue() && head.hasBody()) {
                ex.writer().interimContinue();
            }
            BodyPump pump = new BodyPump(ex.body(), child, head.serialize(), head.chunked()).start();
            ex.killOnDisconnect(child);
            return relay(ex, lease, pump);
        }
    }

    private static boolean relay(HttpExchange ex, Lease lease, BodyPump pump) throws IOException {
        RequestHead head = ex.head();
        Child child = lease.child();
        ResponseWriter writer = ex.writer();
        ResponseWriter.Framing framing = head.isHead() ? ResponseWriter.Framing.NONE
                : head.protocol().equals("HTTP/1.1") ? ResponseWriter.Framing.CHUNKED
                : ResponseWriter.Framing.CLOSE;
        boolean keepAlive = ex.keepAlive() && framing != ResponseWriter.Framing.CLOSE;
        List<String[]> headers = new ArrayList<>(HEADERS);
        if (!keepAlive) {
            headers.add(new String[] {"Connection", "close"});
        }
        InputStream stdout = child.stdout();
        byte[] buf = new byte[32 * 1024];
        while (true) {
            int n = Relay.read(stdout, buf);
            if (n < 0) {
                break;
            }
            try {
                if (!writer.committed()) {
                    writer.head(200, null, headers, framing);
                }
                writer.body(buf, 0, n);
            } catch (IOException e) {
                child.kill(Child.CLIENT_GONE);
                ex.markFailed();
                return false;
            }
        }
        if (!writer.committed()) {
            pump.await(Lease.GRACE);
            if (pump.problem() != null) {
                return ex.fail(pump.problem().status(), pump.problem().getMessage());
            }
            if (lease.timedOut()) {
                LOG.log(System.Logger.Level.WARNING, child.label() + ": 504: request_timeout before any output");
                return ex.fail(504, "stdio backend timed out");
            }
            if (child.killedFor() != null) {
                ex.markFailed();
                return false;
            }
            Integer code = child.awaitExit(Lease.GRACE);
            if (code == null || code != 0) {
                LOG.log(System.Logger.Level.WARNING, child.label() + ": 502: exited with code " + code
                        + " before any output");
                return ex.fail(502, "stdio backend exited before producing a response");
            }
            writer.head(200, null, headers, framing);
        } else if (lease.timedOut() || child.killedFor() != null) {
            // the client keeps what it got; no last chunk, so it can tell the response was cut off
            LOG.log(child.clientGone() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    child.label() + ": response cut off: " + child.killedFor());
            ex.markFailed();
            return false;
        }
        writer.end();
        return keepAlive && pump.await(BODY_WAIT) && pump.complete();
    }
}
