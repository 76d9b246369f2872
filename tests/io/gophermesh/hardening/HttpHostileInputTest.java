package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Ports;

/**
 * Raw bytes a browser would never send, straight onto an http route (a pure proxy to a recording
 * backend) and onto the dashboard: each is refused with the right 4xx or forwarded byte for byte
 * when it is legal, nothing illegal reaches the backend, and both keep serving afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpHostileInputTest {
    private static final String END = "Connection: close\r\n\r\n";

    @TempDir
    static Path dir;
    private static RecordingBackend small;
    private static RecordingBackend large;
    private static Mesh mesh;
    private static LogCapture log;
    /** Default limits. */
    private static int routeA;
    /** {@code max_header_size} 1 MiB. */
    private static int routeB;

    @BeforeAll
    static void start() throws IOException {
        small = new RecordingBackend();
        large = new RecordingBackend();
        routeA = Ports.free();
        routeB = Ports.free();
        log = new LogCapture("");
        mesh = Mesh.start(dir, """
                "%d": {"backends": [{"internal_port": "%d"}]},
                "%d": {"max_header_size": 1048576, "backends": [{"internal_port": "%d"}]}"""
                .formatted(routeA, small.port(), routeB, large.port()));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            mesh.close();
        } finally {
            small.close();
            large.close();
            log.close();
        }
    }

    @AfterEach
    void stillServingAndNothingCrashed() throws IOException {
        for (int port : new int[] {routeA, routeB}) {
            Raw.Reply r = Raw.exchange(port, "GET /after HTTP/1.1\r\nHost: h\r\n" + END);
            assertEquals(200, r.status(), r.toString());
            assertEquals("seen /after", r.text());
        }
        small.heads().clear();
        large.heads().clear();
        Raw.Reply s = Raw.exchange(mesh.dashboard, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:" + mesh.dashboard + "\r\n" + END);
        assertEquals(200, s.status(), s.toString());
        List<String> bad = log.messages(Level.SEVERE);
        assertEquals(List.of(), bad, "severe log records");
        assertTrue(log.messages(Level.WARNING).stream().noneMatch(m -> m.contains("unexpected")),
                () -> String.join("\n", log.messages(Level.WARNING)));
    }

    private static void refused(int expected, String name, String request) throws IOException {
        refused(expected, name, Raw.ascii(request));
    }

    private static void refused(int expected, String name, byte[] request) throws IOException {
        for (int port : new int[] {routeA, routeB}) {
            Raw.Reply r = Raw.exchange(port, request, Duration.ofSeconds(15));
            assertEquals(expected, r.status(), name + " on route " + port + ": " + r);
            assertTrue(r.text().length() < 300 && !r.text().contains("Exception"), name + ": " + r.text());
        }
        assertNull(small.heads().poll(), name + " reached the backend");
        assertNull(large.heads().poll(), name + " reached the backend");
    }

    /** @return the head the backend received for a legal request sent to {@code port} */
    private static String forwarded(int port, String request) throws IOException {
        Raw.Reply r = Raw.exchange(port, request);
        assertEquals(200, r.status(), r.toString());
        byte[] head = (port == routeA ? small : large).heads().poll();
        assertNotNull(head, "nothing reached the backend");
        return new String(head, StandardCharsets.ISO_8859_1);
    }

    @Test
    void illegalBytesInTheRequestTargetAre400() throws IOException {
        Map<String, String> targets = Map.of(
                "raw invalid UTF-8", "/a\u00c3(b",
                "raw valid UTF-8", "/caf\u00c3\u00a9",
                "raw 0xFF", "/a\u00ffb",
                "NUL", "/a\u0000b",
                "control character", "/a\u0001b",
                "DEL", "/a\u007fb",
                "tab", "/a\tb",
                "non-ASCII in the query", "/a?q=\u00e9");
        for (Map.Entry<String, String> t : targets.entrySet()) {
            refused(400, t.getKey(), "GET " + t.getValue() + " HTTP/1.1\r\nHost: h\r\n" + END);
        }
    }

    @Test
    void illegalHeaderNamesAndValuesAre400() throws IOException {
        Map<String, String> lines = Map.ofEntries(
                Map.entry("NUL in a value", "X: a\u0000b"),
                Map.entry("control character in a value", "X: a\u0001b"),
                Map.entry("DEL in a value", "X: a\u007fb"),
                Map.entry("bare CR in a value", "X: a\rb"),
                Map.entry("bare LF in a value", "X: a\nY: b"),
                Map.entry("non-ASCII bytes in a value", "X: caf\u00c3\u00a9 \u00e9"),
                Map.entry("obs-fold", "X: a\r\n b"),
                Map.entry("space in a name", "X Y: z"),
                Map.entry("space before the colon", "X : z"),
                Map.entry("non-ASCII name", "X\u00e9: z"),
                Map.entry("NUL in a name", "X\u0000: z"),
                Map.entry("separator in a name", "X(: z"),
                Map.entry("empty name", ": z"),
                Map.entry("no colon", "just words"));
        for (Map.Entry<String, String> l : lines.entrySet()) {
            refused(400, l.getKey(), "GET / HTTP/1.1\r\nHost: h\r\n" + l.getValue() + "\r\n" + END);
        }
    }

    @Test
    void legalButOddInputIsForwardedByteForByte() throws IOException {
        String target = "/a%C3%28%FF/%00/%2e%2E/~!$&'()*+,;=:@?q=%FF&r=%00&s=/?:@!$'()*+,;=~";
        String head = forwarded(routeA, "GET " + target + " HTTP/1.1\r\nHost: h\r\n" + END);
        assertTrue(head.startsWith("GET " + target + " HTTP/1.1\r\n"), head);

        String value = "a\tb !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~ end";
        head = forwarded(routeB, "GET / HTTP/1.1\r\nHost: h\r\nX-Odd: " + value + "\r\n" + END);
        assertTrue(head.contains("\r\nX-Odd: " + value + "\r\n"), head);
    }

    @Test
    void tenThousandHeaders() throws IOException {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            // distinct names, and one repeated name whose values must keep their order
            many.append(i % 10 == 0 ? "X-Same" : "X-H" + i).append(": v").append(i).append("\r\n");
        }
        String request = "GET /many HTTP/1.1\r\nHost: h\r\n" + many + END;
        Raw.Reply r = Raw.exchange(routeA, Raw.ascii(request), Duration.ofSeconds(15));
        assertEquals(431, r.status(), r.toString());
        assertNull(small.heads().poll(), "an oversized head reached the backend");

        // within a 1 MiB limit the same head is legal and arrives whole; only the order of
        // different names may change (RFC 9110 5.3), the values of one name keep theirs
        List<String> sent = List.of(many.toString().split("\r\n"));
        List<String> got = List.of(forwarded(routeB, request).split("\r\n"));
        assertTrue(got.containsAll(sent), "every one of the 10,000 header lines arrives unchanged");
        assertEquals(sent.stream().filter(l -> l.startsWith("X-Same:")).toList(),
                got.stream().filter(l -> l.startsWith("X-Same:")).toList());
    }

    @Test
    void oneMebibyteRequestLineIs414AndHugeHeaderIs431() throws IOException {
        String line = "GET /" + "a".repeat(1 << 20) + " HTTP/1.1\r\nHost: h\r\n" + END;
        refused(414, "1 MiB request line", line);
        Raw.Reply r = Raw.exchange(routeA, Raw.ascii("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(1 << 20) + "\r\n" + END),
                Duration.ofSeconds(15));
        assertEquals(431, r.status(), r.toString());
        assertNull(small.heads().poll());
    }

    @Test
    void theDashboardRefusesTheSameInputWith4xx() throws IOException {
        String host = "Host: 127.0.0.1:" + mesh.dashboard + "\r\n";
        List<String> requests = List.of(
                "GET /api/st\u00c3(tus HTTP/1.1\r\n" + host + END,
                "GET /api/st\u0000atus HTTP/1.1\r\n" + host + END,
                "GET /api/st\u0001atus HTTP/1.1\r\n" + host + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X: a\u0000b\r\n" + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X: a\rb\r\n" + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X Y: z\r\n" + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X\u00e9: z\r\n" + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X: a\r\n b\r\n" + END,
                "GET /api/status HTTP/1.1\r\n" + host + "A: b\r\n".repeat(10_000) + END,
                "GET /api/status HTTP/1.1\r\n" + host + "X: " + "a".repeat(1 << 20) + "\r\n" + END,
                "GET /" + "a".repeat(1 << 20) + " HTTP/1.1\r\n" + host + END,
                "DELETE /api/process/%ff%00 HTTP/1.1\r\n" + host + END);
        for (String request : requests) {
            Raw.Reply r = Raw.exchange(mesh.dashboard, Raw.ascii(request), Duration.ofSeconds(15));
            String shown = request.length() > 60 ? request.substring(0, 60) : request;
            assertTrue(r.status() >= 400 && r.status() < 500, shown + " -> " + r);
        }
    }
}
