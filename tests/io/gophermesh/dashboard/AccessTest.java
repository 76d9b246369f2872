package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens, one-time login codes and sessions. */
@Timeout(10)
class AccessTest {
    /** A clock the test moves. */
    private static final class Manual extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void bearerNeedsTheExactToken() {
        Access access = new Access("tok-123", Clock.systemUTC());
        assertTrue(access.tokenMode());
        assertTrue(access.bearerMatches("Bearer tok-123"));
        assertTrue(access.bearerMatches("bearer tok-123 "));
        assertFalse(access.bearerMatches("Bearer tok-1234"));
        assertFalse(access.bearerMatches("Bearer "));
        assertFalse(access.bearerMatches("tok-123"));
        assertFalse(access.bearerMatches(null));
    }

    @Test
    void loginCodesWorkOnceAndExpire() {
        Manual clock = new Manual();
        Access access = new Access("tok", clock);
        String code = access.issueLoginCode();
        Optional<String> session = access.redeem(code);
        assertTrue(session.isPresent());
        assertTrue(access.sessionValid(session.get()));
        assertNotEquals("tok", session.get());
        assertEquals(Optional.empty(), access.redeem(code), "single use");

        String late = access.issueLoginCode();
        clock.now = clock.now.plus(Access.LOGIN_CODE_TTL).plusSeconds(1);
        assertEquals(Optional.empty(), access.redeem(late), "expired");
        assertFalse(access.sessionValid(session.get()), "sessions expire too");
    }

    @Test
    void tokenLoginAndForgedSessions() {
        Access access = new Access("tok", Clock.systemUTC());
        assertEquals(Optional.empty(), access.login("nope"));
        assertEquals(Optional.empty(), access.login(null));
        String s = access.login("tok").orElseThrow();
        assertTrue(access.sessionValid(s));
        assertFalse(access.sessionValid(s + "x"));
        assertFalse(access.sessionValid(""));
        assertTrue(Access.newSecret(new java.security.SecureRandom()).matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void withoutTokenNothingAuthenticates() {
        Access open = new Access(null, Clock.systemUTC());
        assertFalse(open.tokenMode());
        assertFalse(open.bearerMatches("Bearer x"));
        assertFalse(open.sessionValid("x"));
        assertThrows(IllegalStateException.class, open::issueLoginCode);
        assertEquals(Duration.ofHours(24), Access.SESSION_TTL);
    }
}
