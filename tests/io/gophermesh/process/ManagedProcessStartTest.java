package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/** Cold start: single flight, readiness, early exit, start timeout, log capture. */
@Timeout(60)
class ManagedProcessStartTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern STAMPED = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

    private final Fixture fixture = new Fixture();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void twentyConcurrentCallersShareOneStart() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--delay-ms", "300"), log, Fixture.fast());

        atOnce(20, () -> {
            p.ensureReady();
            return null;
        });
        List<Long> pids = Fixture.startedPids(log);
        assertEquals(1, pids.size(), () -> "exactly one start expected, log: " + log.lines());
        ProcessSnapshot snap = p.snapshot();
        assertEquals(BackendState.RUNNING, snap.state());
        assertEquals(pids.getFirst(), snap.pid());
        assertNotNull(snap.startedAt());
        assertTrue(Ports.accepting(port));
    }

    @Test
    void theFirstCallerThatWaitedGetsTheProbesConnection() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--delay-ms", "300"), log, Fixture.fast());

        List<SocketChannel> handed = atOnce(8, p::ensureReadyConnected).stream().filter(Objects::nonNull).toList();
        assertEquals(1, handed.size(), "one caller gets the connection, the others connect themselves");
        try (SocketChannel c = handed.getFirst()) {
            assertTrue(c.isConnected());
            assertEquals(port, ((InetSocketAddress) c.getRemoteAddress()).getPort());
            // the test server closes each connection it accepts: the end shows this one was accepted
            assertEquals(-1, c.read(ByteBuffer.allocate(1)));
        }
        assertNull(p.ensureReadyConnected(), "a caller that did not wait for the start connects itself");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            Await.until(WAIT, "our own connection logged", () -> Fixture.count(log, "conn ") >= 2);
        }
        assertEquals(2, Fixture.count(log, "conn "), () -> "the probe's, handed over, and ours: " + log.lines());
    }

    @Test
    void readyWithinMillisecondsOfBindAndThenWithoutProbing() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, null, null, null, "server.py",
                Integer.toString(port), "--delay-ms", "200"), log, Fixture.fast());

        p.ensureReady();
        long readyAt = System.currentTimeMillis();
        Await.until(WAIT, "bind line", () -> Fixture.count(log, "bound at ") == 1);
        String bound = log.lines().stream().filter(l -> l.contains("bound at ")).findFirst().orElseThrow();
        long boundAt = Long.parseLong(bound.substring(bound.indexOf("bound at ") + 9).trim());
        long lag = readyAt - boundAt;
        // probes back off to 50 ms at most; the rest is a loaded machine's scheduling
        assertTrue(lag >= 0 && lag < 500, "ready " + lag + " ms after bind");

        // seen ready: further calls return without touching the port
        for (int i = 0; i < 5; i++) {
            p.ensureReady();
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            Await.until(WAIT, "our own connection logged", () -> Fixture.count(log, "conn ") >= 2);
        }
        assertEquals(2, Fixture.count(log, "conn "), () -> "only the readiness probe and ours: " + log.lines());
    }

    @Test
    void earlyExitFailsAtOnceWithExitCodeAndLastLines() {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, Duration.ofSeconds(30), null, null,
                "exit_early.py", "3"), log, Fixture.fast());

        long t0 = System.nanoTime();
        ColdStartException e = assertThrows(ColdStartException.class, p::ensureReady);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took + ", start_timeout is 30s");
        assertTrue(e.getMessage().startsWith(Fixture.LABEL + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.lastLines().size() <= 10 && !e.lastLines().isEmpty(), () -> "last lines: " + e.lastLines());
        assertTrue(e.lastLines().stream().anyMatch(l -> l.endsWith("fatal: config missing")),
                () -> "stderr's last line expected in " + e.lastLines());
        assertNotNull(e.retryAfter());
        assertEquals(BackendState.BACKOFF, p.snapshot().state());
        assertNotNull(p.snapshot().nextAttempt());
    }

    @Test
    void startTimeoutKillsTheProcess() {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        ManagedProcess p = fixture.make(Fixture.backend(port, Duration.ofMillis(700), null, null,
                "never_binds.py"), log, Fixture.fast());

        ColdStartException e = assertThrows(ColdStartException.class, p::ensureReady);

        assertEquals(Fixture.LABEL + ": port " + port + " not ready after 700ms", e.getMessage());
        long pid = Fixture.startedPids(log).getFirst();
        assertTrue(!Fixture.running(pid), "pid " + pid + " should have been killed");
        assertTrue(e.lastLines().stream().anyMatch(l -> l.contains("[mesh] stopping pid " + pid + ": port " + port)),
                () -> "" + e.lastLines());
        assertEquals(0, p.snapshot().pid());
    }

    @Test
    void missingProgramFailsWithItsName() {
        LogBuffer log = new LogBuffer();
        BackendConfig config = new BackendConfig("api-a", "no-such-program-gm", List.of(), "127.0.0.1",
                Integer.toString(Ports.free()), null, null, null);
        ManagedProcess p = fixture.make(config, log, Fixture.fast());

        ColdStartException e = assertThrows(ColdStartException.class, p::ensureReady);

        assertTrue(e.getMessage().startsWith(Fixture.LABEL + ": cannot start no-such-program-gm"), e.getMessage());
        assertEquals(BackendState.BACKOFF, p.snapshot().state());
    }

    @Test
    void outputIsStampedAndStartsAreMarked() throws Exception {
        int port = Ports.free();
        LogBuffer log = new LogBuffer();
        BackendConfig config = Fixture.backend(port, null, null, null, "server.py", Integer.toString(port));
        ManagedProcess p = fixture.make(config, log, Fixture.fast());

        p.ensureReady();
        long pid = p.snapshot().pid();
        Await.until(WAIT, "bind line", () -> Fixture.count(log, "bound at ") == 1);
        // the waiting request is released before the ready line is written
        Await.until(WAIT, "ready line", () -> Fixture.count(log, "[mesh] pid " + pid + " ready on port " + port) == 1);

        List<String> lines = log.lines();
        assertTrue(lines.stream().allMatch(l -> STAMPED.matcher(l).matches()), () -> "unstamped line in " + lines);
        String marker = "[mesh] started pid " + pid + ": " + Fixture.PYTHON + " " + String.join(" ", config.args());
        assertTrue(lines.getFirst().endsWith(marker), () -> "first line should be the start marker: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("booting pid " + pid)), () -> "stdout line in " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("[mesh] pid " + pid + " ready on port " + port)),
                () -> "ready line in " + lines);
    }

    /** Runs {@code call} on {@code callers} virtual threads released together; fails if any call threw. */
    private static <T> List<T> atOnce(int callers, Callable<T> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
        }
        List<T> values = new ArrayList<>();
        for (Future<T> r : results) {
            values.add(r.get());
        }
        return values;
    }
}
