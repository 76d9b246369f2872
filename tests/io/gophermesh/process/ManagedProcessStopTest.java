package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Stopping: kill of a whole tree, escalation to SIGKILL, scale to zero, close. */
@Timeout(60)
class ManagedProcessStopTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern CHILD = Pattern.compile("child (\\d+) grandchild (\\d+)");

    private final Fixture fixture = new Fixture();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void killStopsTheWholeTree() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--child"), log, Fixture.fast());

        p.ensureReady();
        long root = p.snapshot().pid();
        Await.until(WAIT, "child line", () -> Fixture.count(log, "grandchild ") == 1);
        List<Long> tree = new ArrayList<>(List.of(root));
        for (String line : log.lines()) {
            Matcher m = CHILD.matcher(line);
            if (m.find()) {
                tree.add(Long.parseLong(m.group(1)));
                tree.add(Long.parseLong(m.group(2)));
            }
        }
        assertEquals(3, tree.size(), () -> "root, sh and sleep expected: " + log.lines());
        assertTrue(tree.stream().allMatch(Fixture::running));

        assertTrue(p.kill());

        for (long pid : tree) {
            assertFalse(Fixture.running(pid), "pid " + pid + " survived the kill");
        }
        assertEquals(ProcessSnapshot.DORMANT, p.snapshot());
        assertFalse(p.kill(), "second kill finds nothing");
        assertEquals(1, Fixture.count(log, "[mesh] stopping pid " + root + ": kill requested"));
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--ignore-term"), log,
                Fixture.withKillGrace(Fixture.fast(), Duration.ofMillis(300)));

        p.ensureReady();
        long pid = p.snapshot().pid();
        long t0 = System.nanoTime();
        assertTrue(p.kill());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertFalse(Fixture.running(pid));
        assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, "SIGTERM was ignored, so the grace passed: " + took);
        assertEquals(1, Fixture.count(log, "[mesh] pid " + pid + " exited with code 137"), () -> "" + log.lines());
    }

    @Test
    void killDuringStartFailsTheWaitersAndClearsTheState() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "never_binds.py"),
                log, Fixture.fast());

        CompletableFuture<Throwable> waiter = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                p.ensureReady();
                waiter.complete(null);
            } catch (Throwable t) {
                waiter.complete(t);
            }
        });
        Await.until(WAIT, "starting with a pid", () -> p.snapshot().pid() != 0);
        assertEquals(BackendState.STARTING, p.snapshot().state());
        long pid = p.snapshot().pid();

        assertTrue(p.kill());

        ColdStartException e = assertInstanceOf(ColdStartException.class, waiter.get());
        assertTrue(e.getMessage().contains("stopped before port " + port + " was ready"), e.getMessage());
        assertFalse(Fixture.running(pid));
        assertEquals(ProcessSnapshot.DORMANT, p.snapshot(), "a kill is no crash");
    }

    @Test
    void idleTimeoutStopsTheTreeAndTheNextCallStartsAgain() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, Duration.ofMillis(300), null, "server.py",
                Integer.toString(port)), log, Fixture.fast());

        p.ensureReady();
        long first = p.snapshot().pid();
        Await.until(WAIT, "idle stop", () -> p.snapshot().state() == BackendState.DORMANT);
        assertFalse(Fixture.running(first));
        assertEquals(1, Fixture.count(log, "[mesh] stopping pid " + first + ": idle for 300ms"));

        p.ensureReady();
        long second = p.snapshot().pid();
        assertNotEquals(first, second);
        assertEquals(BackendState.RUNNING, p.snapshot().state());
        assertTrue(Ports.accepting(port));
    }

    @Test
    void anExchangeInFlightKeepsTheProcess() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, Duration.ofMillis(200), null, "server.py",
                Integer.toString(port)), log, Fixture.fast());

        p.ensureReady();
        long pid = p.snapshot().pid();
        p.exchangeStarted();
        // a negative check: nothing may happen during three idle periods
        Thread.sleep(600);
        assertEquals(BackendState.RUNNING, p.snapshot().state());
        assertEquals(pid, p.snapshot().pid());

        p.exchangeEnded();
        Await.until(WAIT, "idle stop after the exchange", () -> p.snapshot().state() == BackendState.DORMANT);
        assertFalse(Fixture.running(pid));
    }

    @Test
    void aCallDuringAnIdleStopWaitsForItAndStartsAnew() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        // SIGTERM is ignored, so the idle stop takes the full grace: a window to arrive in
        ManagedProcess p = fixture.make(Fixture.backend(port, null, Duration.ofMillis(200), null, "server.py",
                Integer.toString(port), "--ignore-term"), log,
                Fixture.withKillGrace(Fixture.fast(), Duration.ofMillis(1000)));

        p.ensureReady();
        long first = p.snapshot().pid();
        Await.until(WAIT, "idle stop begun", () -> Fixture.count(log, "[mesh] stopping pid " + first) == 1);

        p.ensureReady();

        assertFalse(Fixture.running(first), "ready must not be reported on the dying process");
        ProcessSnapshot now = p.snapshot();
        assertEquals(BackendState.RUNNING, now.state());
        assertNotEquals(first, now.pid());
        assertEquals(2, Fixture.startedPids(log).size());
    }

    @Test
    void closeStopsForGood() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port)), log, Fixture.fast());

        p.ensureReady();
        long pid = p.snapshot().pid();
        p.close(Duration.ofSeconds(1));

        assertFalse(Fixture.running(pid));
        assertEquals(ProcessSnapshot.DORMANT, p.snapshot());
        ColdStartException e = assertThrows(ColdStartException.class, p::ensureReady);
        assertTrue(e.getMessage().startsWith(Fixture.LABEL + ": stopped for good"), e.getMessage());
        assertEquals(1, Fixture.startedPids(log).size());
    }
}
