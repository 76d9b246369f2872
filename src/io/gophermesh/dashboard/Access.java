package io.gophermesh.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call the API in token mode: holders of the token (bearer header), and browsers holding a
 * session cookie obtained with a one-time login code or by posting the token once.
 *
 * <p>Session cookies carry a random session secret, never the token, so a stolen cookie expires with
 * its session and the token never sits in a browser. Secrets are kept only as SHA-256 digests and
 * compared as digests, so comparisons take the same time whatever the input.
 */
final class Access {
    /** How long a browser session lasts. */
    static final Duration SESSION_TTL = Duration.ofHours(24);
    /** How long an unused one-time login code stays valid. */
    static final Duration LOGIN_CODE_TTL = Duration.ofHours(24);

    private static final int MAX_SESSIONS = 256;
    private static final int MAX_LOGIN_CODES = 32;

    private final byte[] tokenDigest;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Instant> sessions = new LinkedHashMap<>();
    private final Map<String, Instant> loginCodes = new LinkedHashMap<>();

    /**
     * @param token the API token; {@code null} turns token mode off
     * @param clock time source for expiries
     */
    Access(String token, Clock clock) {
        this.tokenDigest = token == null ? null : digest(token);
        this.clock = clock;
    }

    /** {@return 32 random bytes, base64url without padding} */
    static String newSecret(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    boolean tokenMode() {
        return tokenDigest != null;
    }

    /** @param candidate a token as presented; {@code null} never matches */
    boolean tokenMatches(String candidate) {
        return tokenDigest != null && candidate != null && MessageDigest.isEqual(tokenDigest, digest(candidate));
    }

    /** @param authorization value of the {@code Authorization} header */
    boolean bearerMatches(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return tokenMatches(authorization.substring(7).trim());
    }

    /** @param secret value of the session cookie */
    synchronized boolean sessionValid(String secret) {
        if (tokenDigest == null || secret == null || secret.isEmpty()) {
            return false;
        }
        Instant expiry = sessions.get(key(secret));
        return expiry != null && clock.instant().isBefore(expiry);
    }

    /** {@return a new single-use login code} */
    synchronized String issueLoginCode() {
        if (tokenDigest == null) {
            throw new IllegalStateException("no login code: the dashboard has no token");
        }
        purge(loginCodes);
        while (loginCodes.size() >= MAX_LOGIN_CODES) {
            loginCodes.remove(loginCodes.keySet().iterator().next());
        }
        String code = newSecret(random);
        loginCodes.put(key(code), clock.instant().plus(LOGIN_CODE_TTL));
        return code;
    }

    /**
     * Spends a login code.
     *
     * @param code code from a login link
     * @return a new session secret, empty when the code is unknown, spent or expired
     */
    synchronized Optional<String> redeem(String code) {
        if (tokenDigest == null || code == null || code.isEmpty()) {
            return Optional.empty();
        }
        Instant expiry = loginCodes.remove(key(code));
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            return Optional.empty();
        }
        return Optional.of(newSession());
    }

    /**
     * @param token a token typed into the login form
     * @return a new session secret, empty when the token is wrong
     */
    synchronized Optional<String> login(String token) {
        return tokenMatches(token) ? Optional.of(newSession()) : Optional.empty();
    }

    private String newSession() {
        purge(sessions);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        String secret = newSecret(random);
        sessions.put(key(secret), clock.instant().plus(SESSION_TTL));
        return secret;
    }

    private void purge(Map<String, Instant> expiries) {
        Instant now = clock.instant();
        expiries.values().removeIf(expiry -> !now.isBefore(expiry));
    }

    private static String key(String secret) {
        return HexFormat.of().formatHex(digest(secret));
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }
}
