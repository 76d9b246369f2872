package io.gophermesh.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /login}: turns a one-time login code ({@code GET /login?token=CODE}, the link printed at
 * start) or the token itself ({@code POST /login {"token":..}}, the UI's sign-in form) into a
 * session cookie. A code works once; the cookie holds a session secret, never the token.
 */
final class Login {
    private static final Logger LOG = System.getLogger(Login.class.getName());
    private static final int MAX_BODY = 4096;
    private static final byte[] SPENT_PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>GopherMesh sign-in</title></head><body><h1>This login link is no longer valid</h1>"
            + "<p>Login links work once. Open the dashboard and sign in with the token from the token file.</p>"
            + "<p><a href=\"./\">Open the dashboard</a></p></body></html>").getBytes(StandardCharsets.UTF_8);

    private final Access access;
    private final String home;

    /**
     * @param access      tokens and sessions
     * @param contextPath where the dashboard is mounted, {@code /} or {@code /mesh}
     */
    Login(Access access, String contextPath) {
        this.access = access;
        this.home = contextPath.equals("/") ? "/" : contextPath + "/";
    }

    void link(ServerRequest req, ServerResponse res) {
        if (!access.tokenMode()) {
            redirectHome(res);
            return;
        }
        Optional<String> session = access.redeem(req.query().first("token").orElse(null));
        if (session.isEmpty()) {
            LOG.log(Level.INFO, () -> "dashboard: spent or unknown login link used from " + req.remotePeer().host());
            res.status(401);
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.send(SPENT_PAGE);
            return;
        }
        LOG.log(Level.INFO, () -> "dashboard: login link used from " + req.remotePeer().host());
        setCookie(res, session.get());
        redirectHome(res);
    }

    void form(ServerRequest req, ServerResponse res) throws IOException {
        if (!access.tokenMode()) {
            Replies.ok(res, "msg", "this dashboard needs no token");
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_BODY);
        }
        String token = null;
        try {
            JsonNode node = Replies.mapper().readTree(body);
            if (node != null && node.path("token").isTextual()) {
                token = node.path("token").asText().trim();
            }
        } catch (IOException e) {
            Replies.error(res, 400, "login body must be {\"token\":\"...\"}: " + e.getMessage());
            return;
        }
        Optional<String> session = access.login(token);
        if (session.isEmpty()) {
            LOG.log(Level.INFO, () -> "dashboard: wrong token posted from " + req.remotePeer().host());
            Replies.error(res, 401, "wrong token");
            return;
        }
        setCookie(res, session.get());
        Replies.ok(res, "msg", "signed in");
    }

    private void setCookie(ServerResponse res, String secret) {
        res.headers().addCookie(SetCookie.builder(Guard.SESSION_COOKIE, secret)
                .path(home.equals("/") ? "/" : home.substring(0, home.length() - 1))
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .maxAge(Access.SESSION_TTL)
                .build());
    }

    private void redirectHome(ServerResponse res) {
        res.status(303);
        res.header(HeaderNames.LOCATION, home);
        res.send();
    }
}
