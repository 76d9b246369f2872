package io.gophermesh.dashboard;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The checks every dashboard request passes before its handler runs. The dashboard can start any
 * command through a config edit, so a request is refused unless it is plainly meant for it:
 * <ul>
 *   <li>its {@code Host} names this dashboard (421 otherwise: DNS rebinding);</li>
 *   <li>a state-changing request comes from no browser page or from the dashboard's own page
 *       (403 otherwise: cross-site request forgery), and carries JSON (415 otherwise: a plain
 *       HTML form or {@code text/plain} post, which browsers send cross-site without asking);</li>
 *   <li>in token mode an API call carries the token or a session cookie (401 otherwise); without a
 *       token, API calls are only served on a loopback connection (403 otherwise).</li>
 * </ul>
 * It also adds the response headers that keep pages from framing, sniffing or caching the dashboard.
 */
final class Guard {
    /** What a path is, which decides the checks it gets. */
    enum Zone {
        /** The UI files: host check only, so that a browser can load the login form. */
        UI,
        /** The login endpoint: host and forgery checks, no credentials. */
        LOGIN,
        /** The API and metrics: every check. */
        API,
        /** Health: no checks, probes use any name. */
        OPEN
    }

    static final String SESSION_COOKIE = "gophermesh_session";

    private static final Logger LOG = System.getLogger(Guard.class.getName());
    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
    private static final HeaderName X_FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final String UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

    private final HostRule hosts;
    private final Access access;

    Guard(HostRule hosts, Access access) {
        this.hosts = hosts;
        this.access = access;
    }

    Handler zone(Zone zone) {
        return (req, res) -> check(zone, req, res);
    }

    private void check(Zone zone, ServerRequest req, ServerResponse res) {
        securityHeaders(zone, res);
        if (zone == Zone.OPEN) {
            res.next();
            return;
        }
        SocketAddress local = req.localPeer().address();
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        if (!hosts.allows(host, 80, local)) {
            refuse(req, res, 421, "host '" + host + "' is not an address of this dashboard");
            return;
        }
        Method method = req.prologue().method();
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !originAllowed(origin.get(), local)
                && (method == Method.OPTIONS || changesState(method))) {
            refuse(req, res, 403, "cross-origin request refused: origin '" + origin.get() + "' is not this dashboard");
            return;
        }
        if (changesState(method)) {
            String site = req.headers().first(SEC_FETCH_SITE).orElse("same-origin").toLowerCase(Locale.ROOT);
            if (!site.equals("same-origin") && !site.equals("none")) {
                refuse(req, res, 403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
                return;
            }
            if (needsJson(method, req) && !isJson(req)) {
                refuse(req, res, 415, "request body must be Content-Type: application/json, got '"
                        + req.headers().first(HeaderNames.CONTENT_TYPE).orElse("none") + "'");
                return;
            }
        }
        if (zone == Zone.API) {
            if (access.tokenMode()) {
                if (!authenticated(req)) {
                    res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"gophermesh\"");
                    refuse(req, res, 401, "this dashboard needs a token: send 'Authorization: Bearer <token>'"
                            + " or sign in with the login link");
                    return;
                }
            } else if (!isLoopback(local)) {
                refuse(req, res, 403, "the dashboard API on a non-loopback address needs a token; configure one");
                return;
            }
        }
        if (method == Method.OPTIONS) {
            // Same-origin pages never preflight; answer without any CORS grant.
            res.status(204).send();
            return;
        }
        res.next();
    }

    private boolean authenticated(ServerRequest req) {
        if (access.bearerMatches(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            return true;
        }
        return access.sessionValid(req.headers().cookies().first(SESSION_COOKIE).orElse(null));
    }

    private boolean originAllowed(String origin, SocketAddress local) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getRawAuthority() == null || (!scheme.equals("http") && !scheme.equals("https"))) {
                return false;
            }
            return hosts.allows(uri.getRawAuthority(), scheme.equals("https") ? 443 : 80, local);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean changesState(Method method) {
        return method != Method.GET && method != Method.HEAD && method != Method.OPTIONS;
    }

    private static boolean needsJson(Method method, ServerRequest req) {
        if (method == Method.POST || method == Method.PUT || method == Method.PATCH) {
            return true;
        }
        boolean body = req.headers().first(HeaderNames.CONTENT_LENGTH).map(v -> !v.trim().equals("0")).orElse(false)
                || req.headers().contains(HeaderNames.TRANSFER_ENCODING);
        return body || req.headers().contains(HeaderNames.CONTENT_TYPE);
    }

    private static boolean isJson(ServerRequest req) {
        return req.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(t -> t.type().equalsIgnoreCase("application") && t.subtype().equalsIgnoreCase("json"))
                .orElse(false);
    }

    static boolean isLoopback(SocketAddress local) {
        return local instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    private static void securityHeaders(Zone zone, ServerResponse res) {
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(X_FRAME_OPTIONS, "DENY");
        res.header(REFERRER_POLICY, "no-referrer");
        if (zone == Zone.UI) {
            res.header(CSP, UI_CSP);
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        } else {
            res.header(CSP, API_CSP);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
        }
    }

    private static void refuse(ServerRequest req, ServerResponse res, int status, String message) {
        // A missing credential is routine (a script without its token); the others are attacks or bugs.
        LOG.log(status == 401 ? Level.DEBUG : Level.INFO, () -> "dashboard refused " + req.prologue().method().text() + " "
                + req.path().absolute().path() + " from " + req.remotePeer().host() + ": " + message);
        Replies.error(res, status, message);
    }
}
