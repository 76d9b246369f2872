package io.gophermesh.route.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cgi mode: a CGI/1.1 gateway after RFC 3875. Only the de-chunked request body goes to stdin, the
 * request is described by meta-variables, and the program's output starts with a CGI header block
 * that becomes the response's status and headers; the body after it is streamed through.
 *
 * <p>A chunked upload that ends within {@link #READ_AHEAD} bytes is read first, so the program
 * gets {@code CONTENT_LENGTH}; a longer one is streamed without it and ends with EOF on stdin, as
 * Apache's mod_cgi does (git http-backend reads such a body to EOF).
 */
final class CgiHandler implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(CgiHandler.class.getName());
    /** Chunked bodies up to this size are read before the program starts, to give it a length. */
    static final int READ_AHEAD = 64 * 1024;
    private static final int MAX_CGI_HEADER = 64 * 1024;
    private static final int MAX_LOCAL_REDIRECTS = 5;
    private static final Duration BODY_WAIT = Duration.ofSeconds(1);

    @Override
    public boolean handle(HttpExchange ex) throws IOException {
        RequestHead head = ex.head();
        RequestBody body = ex.body();
        if (head.expectContinue() && head.hasBody()) {
            ex.writer().interimContinue();
        }
        boolean bodyRead = true;
        for (int hop = 0; ; hop++) {
            Long length = head.contentLength() >= 0 ? Long.valueOf(head.contentLength()) : null;
            byte[] ahead = new byte[0];
            if (head.chunked()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                try {
                    byte[] piece;
                    while (buf.size() < READ_AHEAD && (piece = body.next()) != null) {
                        buf.write(piece);
                    }
                } catch (HttpProblem p) {
                    return ex.fail(p.status(), p.getMessage());
                } catch (IOException e) {
                    ex.markFailed();
                    return false;
                }
                ahead = buf.toByteArray();
                length = body.done() ? Long.valueOf(ahead.length) : null;
            }
            Lease lease;
            try {
                lease = ex.lease(Variables.cgi(head, ex.socket(), length));
            } catch (NoChildException e) {
                return ex.refuse(e);
            }
            try (lease) {
                Child child = lease.child();
                RequestHead served = head;
                LOG.log(System.Logger.Level.DEBUG, () -> child.label() + ": runs CGI for " + served.method() + " "
                        + served.requestUri());
                BodyPump pump = new BodyPump(body, child, ahead, false).start();
                ex.killOnDisconnect(child);
                CgiResponse response;
                try {
                    response = CgiResponse.read(child.stdout(), MAX_CGI_HEADER);
                } catch (HttpProblem p) {
                    if (lease.timedOut()) {
                        return ex.fail(504, "CGI program timed out");
                    }
                    child.kill(p.getMessage());
                    LOG.log(System.Logger.Level.WARNING, child.label() + ": 502: " + p.getMessage());
                    return ex.fail(502, "malformed CGI response");
                }
                if (response == null) {
                    return noResponse(ex, lease, pump);
                }
                if (response.localRedirect()) {
                    bodyRead = pump.await(BODY_WAIT) && pump.complete();
                    if (hop >= MAX_LOCAL_REDIRECTS) {
                        LOG.log(System.Logger.Level.WARNING, child.label() + ": 502: too many local redirects");
                        return ex.fail(502, "too many CGI local redirects");
                    }
                    try {
                        head = head.redirect(response.location());
                    } catch (HttpProblem p) {
                        return ex.fail(502, "malformed CGI local redirect");
                    }
                    body = new RequestBody(null, head, null);
                    continue;
                }
                return respond(ex, head, lease, pump, response) && bodyRead;
            }
        }
    }

    private static boolean noResponse(HttpExchange ex, Lease lease, BodyPump pump) throws IOException {
        Child child = lease.child();
        pump.await(Lease.GRACE);
        if (pump.problem() != null) {
            return ex.fail(pump.problem().status(), pump.problem().getMessage());
        }
        if (lease.timedOut()) {
            LOG.log(System.Logger.Level.WARNING, child.label() + ": 504: request_timeout before the CGI header");
            return ex.fail(504, "CGI program timed out");
        }
        if (child.killedFor() != null) {
            ex.markFailed();
            return false;
        }
        Integer code = child.awaitExit(Lease.GRACE);
        LOG.log(System.Logger.Level.WARNING, child.label() + ": 502: CGI program wrote nothing (exit code "
                + code + ")");
        return ex.fail(502, "CGI program produced no response");
    }

    private static boolean respond(HttpExchange ex, RequestHead head, Lease lease, BodyPump pump,
                                   CgiResponse response) throws IOException {
        Child child = lease.child();
        ResponseWriter writer = ex.writer();
        int status = response.status();
        boolean bodiless = status == 204 || status == 304;
        ResponseWriter.Framing framing = bodiless || head.isHead() ? ResponseWriter.Framing.NONE
                : response.contentLength() >= 0 ? ResponseWriter.Framing.LENGTH
                : head.protocol().equals("HTTP/1.1") ? ResponseWriter.Framing.CHUNKED
                : ResponseWriter.Framing.CLOSE;
        boolean keepAlive = ex.keepAlive() && framing != ResponseWriter.Framing.CLOSE;
        List<String[]> headers = new ArrayList<>(response.headers());
        if (response.contentLength() >= 0 && !bodiless) {
            headers.add(new String[] {"Content-Length", Long.toString(response.contentLength())});
        }
        if (!keepAlive) {
            headers.add(new String[] {"Connection", "close"});
        }
        writer.head(status, response.reason(), headers, framing);

        InputStream stdout = child.stdout();
        byte[] buf = new byte[32 * 1024];
        long left = framing == ResponseWriter.Framing.LENGTH ? response.contentLength() : Long.MAX_VALUE;
        while (left > 0) {
            int n = Relay.read(stdout, buf, (int) Math.min(left, buf.length));
            if (n < 0) {
                break;
            }
            // without a body to send, the output is still read so the program is not stuck writing
            try {
                writer.body(buf, 0, n);
            } catch (IOException e) {
                child.kill(Child.CLIENT_GONE);
                ex.markFailed();
                return false;
            }
            if (framing == ResponseWriter.Framing.LENGTH) {
                left -= n;
            }
        }
        boolean cut = framing == ResponseWriter.Framing.LENGTH ? left > 0
                : lease.timedOut() || child.killedFor() != null;
        if (cut) {
            LOG.log(child.clientGone() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    child.label() + ": CGI response cut off"
                    + (child.killedFor() == null ? "" : ": " + child.killedFor()));
            ex.markFailed();
            return false;
        }
        writer.end();
        return keepAlive && pump.await(BODY_WAIT) && pump.complete();
    }
}
