package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;

/**
 * A short soak: clients on an untouched http route and an untouched tcp route see no failure while
 * the backends of other routes are killed and the config is reloaded over and over; afterwards
 * the JVM's threads and file descriptors are back near where they were, and no process is left.
 * {@code bench/soak} is the long version against the real jar.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SoakTest {
    private static final Duration CHAOS = Duration.ofSeconds(12);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Counts(AtomicInteger ok, AtomicInteger failed, List<String> errors) {
        Counts() {
            this(new AtomicInteger(), new AtomicInteger(), java.util.Collections.synchronizedList(new ArrayList<>()));
        }

        void fail(String why) {
            failed.incrementAndGet();
            if (errors.size() < 10) {
                errors.add(why);
            }
        }
    }

    @Test
    void untouchedRoutesNeverFailWhileOthersAreKilledAndReloaded() throws Exception {
        int untouched = Ports.free();
        int untouchedTcp = Ports.free();
        int victim = Ports.free();
        int victimTcp = Ports.free();
        int stream = Ports.free();
        int uBe = Ports.free();
        int utBe = Ports.free();
        int vBe = Ports.free();
        int vtBe = Ports.free();
        int extra = Ports.free();
        try (Mesh mesh = Mesh.start(dir, """
                "%d": {"name": "untouched", "backends": [{%s, "internal_port": "%d"}]},
                "%d": {"name": "untouched-tcp", "protocol": "tcp", "backends": [{%s, "internal_port": "%d"}]},
                "%d": {"name": "victim", "backends": [{%s, "internal_port": "%d"}]},
                "%d": {"name": "victim-tcp", "protocol": "tcp", "backends": [{%s, "internal_port": "%d"}]},
                "%d": {"name": "cat", "protocol": "stdio", "backends": [{"cmd": "/bin/cat"}]}"""
                .formatted(untouched, Mesh.worker("http_backend.py", String.valueOf(uBe), "u"), uBe,
                        untouchedTcp, Mesh.worker("tcp_echo.py", String.valueOf(utBe)), utBe,
                        victim, Mesh.worker("http_backend.py", String.valueOf(vBe), "v"), vBe,
                        victimTcp, Mesh.worker("tcp_echo.py", String.valueOf(vtBe)), vtBe, stream))) {
            // warm up every path once, so lazily created pools and threads are in the baseline
            for (int i = 0; i < 3; i++) {
                assertTrue(http(untouched, "/warm"), "untouched http route answers");
                assertTrue(http(victim, "/warm"), "victim route answers");
                assertTrue(echo(untouchedTcp), "untouched tcp route answers");
                assertTrue(echo(victimTcp), "victim tcp route answers");
                assertTrue(echo(stream), "stdio route answers");
            }
            int fds0 = fds();
            int threads0 = threads();
            long timers0 = idleTimers();

            Counts u = new Counts();
            Counts ut = new Counts();
            Counts others = new Counts();
            long end = System.nanoTime() + CHAOS.toNanos();
            List<Thread> clients = new ArrayList<>();
            clients.add(loop(end, u, () -> http(untouched, "/u")));
            clients.add(loop(end, u, () -> http(untouched, "/u2")));
            clients.add(loop(end, ut, () -> echo(untouchedTcp)));
            clients.add(loop(end, others, () -> http(victim, "/v")));
            clients.add(loop(end, others, () -> echo(victimTcp)));
            clients.add(loop(end, others, () -> echo(stream)));

            int kills = 0;
            int reloads = 0;
            while (System.nanoTime() < end) {
                for (String ref : List.of(victim + ":0", victimTcp + ":0")) {
                    mesh.engine.kill(ref);
                    kills++;
                }
                ObjectNode routes = (ObjectNode) JSON.readTree(mesh.engine.configJson());
                ObjectNode v = (ObjectNode) routes.get(String.valueOf(victim));
                v.put("load_balance", reloads % 2 == 0 ? "least_conn" : "round_robin");
                if (reloads % 2 == 0) {
                    routes.set(String.valueOf(extra), JSON.readTree("""
                            {"name": "extra", "backends": [{"internal_port": "%d"}]}""".formatted(Ports.free())));
                } else {
                    routes.remove(String.valueOf(extra));
                }
                mesh.engine.reload(JSON.writeValueAsString(routes));
                reloads++;
                Thread.sleep(700); // the pace of the chaos, not a synchronisation
            }
            for (Thread t : clients) {
                t.join();
            }
            // back to the routes of the start, so every listener added meanwhile is gone
            ObjectNode last = (ObjectNode) JSON.readTree(mesh.engine.configJson());
            if (last.remove(String.valueOf(extra)) != null) {
                mesh.engine.reload(JSON.writeValueAsString(last));
            }
            assertTrue(!mesh.engine.status().containsKey(String.valueOf(extra)));

            assertEquals(0, u.failed().get(), "untouched http route failures: " + u.errors());
            assertEquals(0, ut.failed().get(), "untouched tcp route failures: " + ut.errors());
            assertTrue(u.ok().get() > 50, "untouched http route served " + u.ok());
            assertTrue(ut.ok().get() > 20, "untouched tcp route served " + ut.ok());
            assertTrue(others.ok().get() > 10, "the other routes kept serving between kills: " + others.ok());
            assertTrue(kills >= 10 && reloads >= 5, kills + " kills, " + reloads + " reloads");
            System.out.printf("soak: untouched %d ok, untouched tcp %d ok, others %d ok / %d failed, %d kills, %d reloads%n",
                    u.ok().get(), ut.ok().get(), others.ok().get(), others.failed().get(), kills, reloads);

            // idle keep-alive sockets to backends close after 30 s; what matters is that nothing
            // grows with the number of kills and reloads
            try {
                Await.until(Duration.ofSeconds(20), "fds back near " + fds0 + " and threads near " + threads0,
                        () -> fds() <= fds0 + 16 && threads() <= threads0 + 8 && idleTimers() <= timers0);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": now " + threads() + " threads " + threadNames()
                        + ", " + idleTimers() + " idle timers (" + timers0 + " before), " + fds() + " fds " + fdKinds(), e);
            }
        }
    }

    interface Call {
        boolean run() throws IOException;
    }

    private static Thread loop(long end, Counts counts, Call call) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (System.nanoTime() < end) {
                try {
                    if (call.run()) {
                        counts.ok().incrementAndGet();
                    } else {
                        counts.fail("wrong answer");
                    }
                } catch (IOException | RuntimeException e) {
                    counts.fail(e.toString());
                }
            }
        });
    }

    private static boolean http(int port, String path) throws IOException {
        Raw.Reply r = Raw.exchange(port, Raw.ascii("GET " + path + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
                Duration.ofSeconds(20));
        return r.status() == 200 && r.text().contains(path);
    }

    private static boolean echo(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            byte[] msg = ("hello " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(msg);
            s.shutdownOutput();
            return java.util.Arrays.equals(msg, s.getInputStream().readAllBytes());
        }
    }

    private static Map<String, Long> fdKinds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    String t = Files.readSymbolicLink(p).toString();
                    return t.replaceAll("\\[\\d+]", "").replaceAll("/tmp/.*", "/tmp");
                } catch (IOException e) {
                    return "?";
                }
            }).collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.TreeMap::new,
                    java.util.stream.Collectors.counting()));
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static Map<String, Long> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(java.util.stream.Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "#"),
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    /** One per live web server: a replaced http listener must not leave its timer thread behind. */
    private static long idleTimers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("helidon-idle-connection-timer") || t.getName().startsWith("idle-timeout-handler-"))
                .count();
    }

    static int fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Threads of the process, less the JDK's own pools that grow under load and shrink after a
     * minute idle (virtual thread carriers, common pool, process reapers): they are not the mesh's.
     */
    static int threads() {
        long pooled = Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("ForkJoinPool") || n.startsWith("process reaper"))
                .count();
        return processThreads() - (int) pooled;
    }

    static int processThreads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no Threads line in /proc/self/status");
    }
}
