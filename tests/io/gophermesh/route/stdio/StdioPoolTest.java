package io.gophermesh.route.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.StdioMode;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** The warm pool of stream routes ({@code prewarm}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StdioPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private StdioRoute route;

    @AfterEach
    void closeAndCheckLeaks() {
        if (route != null) {
            route.close(Duration.ofMillis(200));
        }
        Await.until(WAIT, "no child left behind", () -> ProcessLeaks.descendants().isEmpty());
    }

    private static long servedPid(int port, String line) throws IOException {
        try (Socket s = HttpProbe.connect(port)) {
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("line=" + line + " mode=stream"), answer);
            return Long.parseLong(answer.substring(4, answer.indexOf(' ')));
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void connectionIsServedByAWarmChildAndThePoolRefills() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").prewarm(2).start();
        Backend backend = route.context().backends().getFirst();
        Await.until(WAIT, "two warm children", () -> route.generation().pool().idle() == 2);
        List<Long> warm = StdioFixture.startedPids(backend);
        assertEquals(2, warm.size());
        assertTrue(backend.log().lines().stream().allMatch(l -> !l.contains("started") || l.contains("(warm)")));

        long pid = servedPid(route.port(), "a");
        assertTrue(warm.contains(pid), "served by a child started before the connection: " + pid + " " + warm);
        Await.until(WAIT, "pool refilled", () -> route.generation().pool().idle() == 2
                && StdioFixture.startedPids(backend).size() == 3);
        Await.until(WAIT, "exchange counted", () -> backend.served() == 1);
    }

    @Test
    void aTakenChildIsReplacedWhenItExitsAndALastOneAtOnce() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").prewarm(2).start();
        Backend backend = route.context().backends().getFirst();
        Await.until(WAIT, "two warm children", () -> route.generation().pool().idle() == 2);
        try (Socket one = HttpProbe.connect(route.port())) {
            Await.until(WAIT, "first connection served", () -> backend.inFlight() == 1);
            // one child still waits: its replacement starts only once the first child is done
            assertEquals(1, route.generation().pool().idle());
            assertEquals(2, StdioFixture.startedPids(backend).size(), "no start while the exchange runs");
            try (Socket two = HttpProbe.connect(route.port())) {
                // the pool ran dry: it is filled again while both exchanges run
                Await.until(WAIT, "pool refilled at once", () -> backend.inFlight() == 2
                        && route.generation().pool().idle() == 2);
                two.getOutputStream().write("b\n".getBytes(StandardCharsets.UTF_8));
                assertTrue(HttpProbe.line(two.getInputStream()).contains("line=b"));
            }
            one.getOutputStream().write("a\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(HttpProbe.line(one.getInputStream()).contains("line=a"));
        }
        Await.until(WAIT, "both exchanges counted", () -> backend.served() == 2);
        Await.until(WAIT, "children gone", () -> backend.inFlight() == 0);
        assertEquals(2, route.generation().pool().idle(), "the pool keeps its size");
        assertEquals(4, StdioFixture.startedPids(backend).size(), "no start beyond the pool's size");
    }

    @Test
    void warmChildrenCountAgainstMaxConcurrency() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").prewarm(2).maxConcurrency(2).start();
        Backend backend = route.context().backends().getFirst();
        Await.until(WAIT, "two warm children", () -> route.generation().pool().idle() == 2);
        assertEquals(2, route.children().limiter().used());
        try (Socket one = HttpProbe.connect(route.port()); Socket two = HttpProbe.connect(route.port())) {
            Await.until(WAIT, "both serving", () -> backend.inFlight() == 2);
            assertEquals(0, route.generation().pool().idle(), "no slot left to refill the pool");
            assertEquals(2, route.children().limiter().used());
            try (Socket three = HttpProbe.connect(route.port())) {
                assertEquals(-1, three.getInputStream().read(), "third connection refused after its wait");
            }
            one.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            two.getOutputStream().write("y\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(HttpProbe.line(one.getInputStream()).contains("line=x"));
            assertTrue(HttpProbe.line(two.getInputStream()).contains("line=y"));
        }
        Await.until(WAIT, "pool refilled", () -> route.generation().pool().idle() == 2);
        assertEquals(2, route.children().limiter().used());
    }

    @Test
    void reloadRetiresTheOldPoolAndStartsANewOne() throws Exception {
        StdioFixture fixture = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").prewarm(1);
        route = fixture.start();
        Backend oldBackend = route.context().backends().getFirst();
        Await.until(WAIT, "one warm child", () -> route.generation().pool().idle() == 1);
        long oldPid = StdioFixture.startedPids(oldBackend).getFirst();

        RouteContext next = fixture.context(route.port());
        route.update(next);
        Backend newBackend = next.backends().getFirst();
        Await.until(WAIT, "old warm child killed", () -> !alive(oldPid));
        Await.until(WAIT, "new warm child", () -> route.generation().pool().idle() == 1);
        long newPid = StdioFixture.startedPids(newBackend).getFirst();
        assertEquals(newPid, servedPid(route.port(), "b"));
        Await.until(WAIT, "exchange counted on the new backend", () -> newBackend.served() == 1);
        assertEquals(0, oldBackend.served());
    }

    @Test
    void closeKillsTheWarmChildren() throws Exception {
        route = StdioFixture.mode(StdioMode.STREAM).worker("pid.py").prewarm(2).start();
        Await.until(WAIT, "two warm children", () -> route.generation().pool().idle() == 2);
        List<Long> warm = StdioFixture.startedPids(route.context().backends().getFirst());
        route.close(Duration.ofMillis(100));
        for (long pid : warm) {
            assertFalse(alive(pid), "warm child " + pid + " killed by close");
        }
        assertEquals(0, route.children().limiter().used());
    }
}
