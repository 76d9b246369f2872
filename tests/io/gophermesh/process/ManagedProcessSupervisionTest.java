package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Supervision: deaths are noticed, crash loops back off and then give up until a kill. */
@Timeout(60)
class ManagedProcessSupervisionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Fixture fixture = new Fixture();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void deathIsNoticedAtOnceAndTheNextCallRestarts() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        // a process that lived past the crash window is an ordinary death, not a failed start
        Timing timing = Fixture.withCrashWindow(Fixture.fast(), Duration.ZERO);
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port)), log, timing);

        p.ensureReady();
        long first = p.snapshot().pid();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        Await.until(Duration.ofSeconds(2), "death noticed", () -> p.snapshot().state() == BackendState.DORMANT);
        assertEquals(0, p.snapshot().pid());
        assertNull(p.snapshot().startedAt());
        Await.until(WAIT, "exit logged", () -> Fixture.count(log, "[mesh] pid " + first + " exited with code 137") == 1);

        p.ensureReady();
        long second = p.snapshot().pid();
        assertNotEquals(first, second);
        assertEquals(BackendState.RUNNING, p.snapshot().state());
        assertEquals(2, Fixture.startedPids(log).size());
        assertTrue(Ports.accepting(port));
    }

    @Test
    void crashSoonAfterReadinessCountsAsAFailedStart() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--crash-after-ms", "100"), log,
                Fixture.withBackoff(Fixture.fast(), Duration.ofSeconds(5), Duration.ofSeconds(10)));

        p.ensureReady();
        Await.until(WAIT, "backoff after the crash", () -> p.snapshot().state() == BackendState.BACKOFF);

        ColdStartException e = assertThrows(ColdStartException.class, p::ensureReady);
        assertNotNull(e.retryAfter());
        assertTrue(e.lastLines().stream().anyMatch(l -> l.endsWith("crashing on purpose")), () -> "" + e.lastLines());
        assertEquals(1, Fixture.startedPids(log).size());
    }

    @Test
    void crashLoopBacksOffThenFailsUntilKilled() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        // backoff long enough that the immediate retry surely falls inside it on a loaded machine
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, 3, "exit_early.py", "3"),
                log, Fixture.withBackoff(Fixture.fast(), Duration.ofMillis(500), Duration.ofSeconds(1)));

        Instant beforeFirst = Instant.now();
        ColdStartException first = assertThrows(ColdStartException.class, p::ensureReady);
        assertTrue(first.getMessage().contains("exited with code 3"), first.getMessage());
        ProcessSnapshot backoff = p.snapshot();
        assertEquals(BackendState.BACKOFF, backoff.state());
        assertFalse(backoff.nextAttempt().isBefore(beforeFirst.plusMillis(500)), "" + backoff.nextAttempt());

        // during backoff: refused at once, nothing started
        ColdStartException refused = assertThrows(ColdStartException.class, p::ensureReady);
        assertTrue(refused.getMessage().contains("next start in"), refused.getMessage());
        assertNotNull(refused.retryAfter());
        assertTrue(refused.retryAfter().compareTo(Duration.ofMillis(500)) <= 0, "" + refused.retryAfter());
        assertTrue(refused.lastLines().stream().anyMatch(l -> l.endsWith("fatal: config missing")));
        assertEquals(1, Fixture.startedPids(log).size());

        Await.until(WAIT, "backoff over", () -> p.snapshot().state() == BackendState.DORMANT);
        Instant beforeSecond = Instant.now();
        assertThrows(ColdStartException.class, p::ensureReady);
        assertEquals(BackendState.BACKOFF, p.snapshot().state());
        // the second delay is twice the first
        Instant next = p.snapshot().nextAttempt();
        assertFalse(next.isBefore(beforeSecond.plusMillis(1000)), "second backoff ends " + next + ", began " + beforeSecond);

        Await.until(WAIT, "backoff over", () -> p.snapshot().state() == BackendState.DORMANT);
        assertThrows(ColdStartException.class, p::ensureReady);
        assertEquals(BackendState.FAILED, p.snapshot().state());
        assertNull(p.snapshot().nextAttempt());

        ColdStartException failed = assertThrows(ColdStartException.class, p::ensureReady);
        assertTrue(failed.getMessage().contains("gave up after 3 failed starts"), failed.getMessage());
        assertNull(failed.retryAfter());
        assertEquals(3, Fixture.startedPids(log).size());

        assertFalse(p.kill(), "nothing was running");
        assertEquals(BackendState.DORMANT, p.snapshot().state());
        ColdStartException again = assertThrows(ColdStartException.class, p::ensureReady);
        assertTrue(again.getMessage().contains("exited with code 3"), again.getMessage());
        assertEquals(4, Fixture.startedPids(log).size());
    }

    @Test
    void crashLoopCountsAndResets() {
        Timing timing = Fixture.fast();
        CrashLoop loop = new CrashLoop(timing, 3);
        Instant now = Instant.parse("2026-11-25T07:00:00Z");

        loop.failedStart(now);
        assertEquals(Duration.ofMillis(200), loop.waitLeft(now));
        loop.failedStart(now);
        assertEquals(Duration.ofMillis(400), loop.waitLeft(now));
        assertNull(loop.waitLeft(now.plusMillis(400)));

        loop.ended(Duration.ofSeconds(29));
        assertEquals(2, loop.failures(), "a run shorter than stableAfter keeps the count");
        loop.ended(Duration.ofSeconds(30));
        assertEquals(0, loop.failures(), "a stable run clears the count");

        for (int i = 0; i < 3; i++) {
            loop.failedStart(now);
        }
        assertTrue(loop.failed());
        assertNotNull(loop.refusal("x", List.of(), now));
        loop.reset();
        assertFalse(loop.failed());
        assertNull(loop.refusal("x", List.of(), now));
    }

    @Test
    void backoffDoublesUpToTheCap() {
        Timing t = Timing.DEFAULT;
        assertEquals(Duration.ofSeconds(1), t.backoff(1));
        assertEquals(Duration.ofSeconds(2), t.backoff(2));
        assertEquals(Duration.ofSeconds(32), t.backoff(6));
        assertEquals(Duration.ofSeconds(60), t.backoff(7));
        assertEquals(Duration.ofSeconds(60), t.backoff(1000));
    }
}
