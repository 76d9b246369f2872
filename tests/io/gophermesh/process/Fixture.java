package io.gophermesh.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;

/**
 * Builds managed processes over the worker programs in {@code tests/workers/process}, with short
 * timings, and stops them all after each test.
 */
final class Fixture implements AutoCloseable {
    /** The interpreter behind the {@code python3} on PATH: a version-manager shim costs ~0.5 s per start. */
    static final String PYTHON = resolvePython();
    static final String LABEL = "route 18081 backend api-a";
    private static final Pattern STARTED = Pattern.compile("\\[mesh\\] started pid (\\d+)");

    private final List<ManagedProcess> made = new ArrayList<>();

    /** Short timings: backoff 200 ms doubling to 400 ms, kill grace 500 ms. */
    static Timing fast() {
        return new Timing(Duration.ofMillis(1), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    static Timing withBackoff(Timing t, Duration first, Duration max) {
        return new Timing(t.pollFirst(), t.pollMax(), t.crashWindow(), t.stableAfter(), first, max,
                t.killGrace(), t.drain());
    }

    static Timing withKillGrace(Timing t, Duration grace) {
        return new Timing(t.pollFirst(), t.pollMax(), t.crashWindow(), t.stableAfter(), t.backoffFirst(),
                t.backoffMax(), grace, t.drain());
    }

    static Timing withCrashWindow(Timing t, Duration window) {
        return new Timing(t.pollFirst(), t.pollMax(), window, t.stableAfter(), t.backoffFirst(),
                t.backoffMax(), t.killGrace(), t.drain());
    }

    /** @return a backend running {@code script} from tests/workers/process on {@code port} */
    static BackendConfig backend(int port, Duration startTimeout, Duration idleTimeout, Integer maxFailures,
                                 String script, String... args) {
        List<String> all = new ArrayList<>(List.of("-u", Workers.dir().resolve("process").resolve(script).toString()));
        all.addAll(List.of(args));
        return new BackendConfig("api-a", PYTHON, all, "127.0.0.1", Integer.toString(port),
                startTimeout, idleTimeout, maxFailures);
    }

    ManagedProcess make(BackendConfig config, LogBuffer log, Timing timing) {
        ManagedProcess p = new ManagedProcess(LABEL, config, log, timing);
        made.add(p);
        return p;
    }

    /** @return the pids of every start marker in {@code log}, oldest first */
    static List<Long> startedPids(LogBuffer log) {
        List<Long> pids = new ArrayList<>();
        for (String line : log.lines()) {
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** @return how many lines of {@code log} contain {@code text} */
    static long count(LogBuffer log, String text) {
        return log.lines().stream().filter(l -> l.contains(text)).count();
    }

    /** @return true while a process with this pid runs (a zombie does not) */
    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcState::running).orElse(false);
    }

    /** Stops everything this fixture made and checks nothing is left behind. */
    @Override
    public void close() {
        for (ManagedProcess p : made) {
            p.close(Duration.ofMillis(500));
        }
        Await.until(Duration.ofSeconds(10), "no child processes left: " + ProcessLeaks.descendants(),
                () -> ProcessLeaks.descendants().isEmpty());
    }

    private static String resolvePython() {
        try {
            Process p = new ProcessBuilder(Workers.python(), "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out : Workers.python();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Workers.python();
        }
    }
}
