package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.gophermesh.engine.UnknownRefException;
import io.gophermesh.testing.Ports;

/**
 * Backend refs come from the console and from URLs of the dashboard API. Any string names a
 * backend or is an {@link UnknownRefException} (404 over the API); nothing else escapes, and no
 * answer is a 5xx.
 */
class BackendRefPropertiesTest {
    private static Mesh mesh;
    private static int http;
    private static int tcp;
    private static int stdio;
    private static int managedPort;
    private static int proxyPort;
    private static int tcpPort;

    @BeforeContainer
    static void start() throws IOException {
        http = Ports.free();
        tcp = Ports.free();
        stdio = Ports.free();
        managedPort = Ports.free();
        proxyPort = Ports.free();
        tcpPort = Ports.free();
        Path dir = Files.createTempDirectory("refs");
        mesh = Mesh.start(dir, """
                "%d": {"backends": [{%s, "internal_port": "%d"}, {"internal_port": "%d"}]},
                "%d": {"protocol": "tcp", "backends": [{%s, "internal_port": "%d"}]},
                "%d": {"protocol": "stdio", "backends": [{"cmd": "/bin/cat"}]}"""
                .formatted(http, Mesh.worker("http_backend.py", String.valueOf(managedPort)), managedPort, proxyPort,
                        tcp, Mesh.worker("tcp_echo.py", String.valueOf(tcpPort)), tcpPort, stdio));
    }

    @AfterContainer
    static void stop() {
        mesh.close();
    }

    @Provide
    Arbitrary<String> refs() {
        Arbitrary<String> number = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(http, tcp, stdio, managedPort, proxyPort, tcpPort).map(String::valueOf)),
                Tuple.of(2, Arbitraries.of("0", "1", "2", "-1", "+0", "00", "01", " 0", "0 ", "99999999999", "2147483648",
                        "-2147483648", "\u0661", "\uff10", "0x1", "1e1", "", " ", "\u0000", "%30", "\u00bd")),
                Tuple.of(1, Arbitraries.integers().map(String::valueOf)));
        Arbitrary<String> sep = Arbitraries.of(":", ":", ":", "::", "\uff1a", "%3A", "%3a", " : ", "/", "");
        Arbitrary<String> shaped = Combinators.combine(number, sep, number).as((a, s, b) -> a + s + b);
        return Arbitraries.frequencyOf(
                Tuple.of(6, shaped),
                Tuple.of(2, number),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(20)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(500).ofMaxLength(3000)),
                Tuple.of(1, Arbitraries.just(null)));
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.FIRST)
    void engineAnswersTheBackendOrUnknownRef(@ForAll("refs") String ref) {
        boolean known;
        try {
            assertNotNull(mesh.engine.logs(ref));
            known = true;
        } catch (UnknownRefException e) {
            assertNotNull(e.getMessage());
            known = false;
        }
        try {
            assertNotNull(mesh.engine.kill(ref));
            assertTrue(known, "kill found a backend that logs did not: " + ref);
        } catch (UnknownRefException e) {
            assertTrue(!known, "logs found a backend that kill did not: " + ref);
        } catch (IllegalStateException e) {
            // a stdio backend or a pure proxy has no process to kill: documented, and only for known refs
            assertTrue(known, "IllegalStateException for an unknown ref " + ref);
        } catch (RuntimeException e) {
            fail("kill(" + ref + ") threw " + e, e);
        }
    }

    @Property(tries = 800, edgeCases = EdgeCasesMode.FIRST)
    void dashboardLogsAnswers200Or404(@ForAll("refs") String ref) throws IOException {
        String path = "/api/logs/" + encode(ref == null ? "" : ref);
        Raw.Reply r = Raw.exchange(mesh.dashboard, Raw.ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + mesh.dashboard + "\r\nConnection: close\r\n\r\n"), Duration.ofSeconds(15));
        if (r.status() == 414) {
            // the dashboard's request line limit, not a ref problem
            assertTrue(path.length() > 1024, () -> "414 for a path of " + path.length() + " characters");
            return;
        }
        assertTrue(r.status() == 200 || r.status() == 404, () -> r.status() + " for " + path);
        assertTrue(r.text().startsWith("{\"code\":" + r.status()), r.toString());
    }

    @Property(tries = 100)
    void everyConfiguredRefIsFound(@ForAll("knownRefs") String ref) throws UnknownRefException, IOException {
        List<String> lines = mesh.engine.logs(ref);
        assertNotNull(lines);
        Raw.Reply r = Raw.exchange(mesh.dashboard, Raw.ascii("GET /api/logs/" + encode(ref) + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + mesh.dashboard + "\r\nConnection: close\r\n\r\n"), Duration.ofSeconds(15));
        assertEquals(200, r.status(), r.toString());
    }

    @Provide
    Arbitrary<String> knownRefs() {
        return Arbitraries.of(http + ":0", http + ":1", tcp + ":0", stdio + ":0", String.valueOf(managedPort),
                String.valueOf(proxyPort), String.valueOf(tcpPort), " " + http + ":0 ");
    }

    /** Percent-encodes every UTF-8 byte that is not unreserved or ':'. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~:".indexOf(c) >= 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }
}
