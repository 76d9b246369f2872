package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gophermesh.balance.Balancer;
import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.LoadBalance;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;
import io.gophermesh.config.StdioMode;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.Workers;

/** Builds stdio routes over the workers in {@code tests/workers/stdio}. */
final class StdioFixture {
    /**
     * The interpreter itself rather than a version manager's shim script, which costs a second or
     * more per start on a loaded machine; {@code -S} skips site packages the workers do not use.
     */
    static final String PYTHON = interpreter();
    private static final Pattern STARTED = Pattern.compile("\\[mesh] pid (\\d+) started");

    private final StdioMode mode;
    private final List<BackendConfig> backends = new ArrayList<>();
    private Integer maxConcurrency;
    private Integer prewarm;
    private Duration requestTimeout;
    private Long maxHeaderSize;
    private Long maxBodySize;
    private RouteMetrics metrics = new RouteMetrics();

    private StdioFixture(StdioMode mode) {
        this.mode = mode;
    }

    static StdioFixture mode(StdioMode mode) {
        return new StdioFixture(mode);
    }

    /** Adds a backend running {@code python3 -S -u tests/workers/stdio/<script> args...}. */
    StdioFixture worker(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-S", "-u", workers().resolve(script).toString()));
        cmd.addAll(List.of(args));
        return command(script.replace(".py", "") + "-" + backends.size(), PYTHON, cmd.toArray(String[]::new));
    }

    StdioFixture command(String name, String cmd, String... args) {
        backends.add(new BackendConfig(name, cmd, List.of(args), "", "", null, null, null));
        return this;
    }

    StdioFixture maxConcurrency(int n) {
        maxConcurrency = n;
        return this;
    }

    StdioFixture prewarm(int n) {
        prewarm = n;
        return this;
    }

    StdioFixture requestTimeout(Duration d) {
        requestTimeout = d;
        return this;
    }

    StdioFixture maxHeaderSize(long n) {
        maxHeaderSize = n;
        return this;
    }

    StdioFixture maxBodySize(long n) {
        maxBodySize = n;
        return this;
    }

    StdioFixture metrics(RouteMetrics m) {
        metrics = m;
        return this;
    }

    RouteContext context(int port) {
        RouteConfig config = new RouteConfig("stdio-test", Protocol.STDIO, mode, LoadBalance.ROUND_ROBIN,
                List.copyOf(backends), null, maxConcurrency, prewarm, requestTimeout, maxHeaderSize, maxBodySize,
                null, null, null, null);
        List<Backend> runtime = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            BackendConfig b = backends.get(i);
            runtime.add(new Backend(port + ":" + i, "route " + port + " backend " + b.name(), b, new LogBuffer(),
                    null));
        }
        return new RouteContext(port, config, runtime, Balancer.of(LoadBalance.ROUND_ROBIN), List.of("*"),
                new byte[0], metrics);
    }

    /** @return a started route on a free port */
    StdioRoute start() {
        StdioRoute route = new StdioRoute(context(Ports.free()));
        try {
            route.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return route;
    }

    /** @return pids of children whose start marker is in the log */
    static List<Long> startedPids(Backend backend) {
        List<Long> pids = new ArrayList<>();
        for (String line : backend.log().lines()) {
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    private static String interpreter() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        try {
            Process p = new ProcessBuilder(Workers.python(), "-c", "import sys; print(sys.executable)").start();
            String exe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return exe.isEmpty() ? Workers.python() : exe;
        } catch (IOException e) {
            return Workers.python();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Workers.python();
        }
    }

    static Path workers() {
        return Workers.dir().resolve("stdio");
    }
}
