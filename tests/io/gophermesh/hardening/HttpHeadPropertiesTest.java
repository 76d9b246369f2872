package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import io.gophermesh.testing.Ports;

/**
 * Random request targets and header lines, raw bytes included, sent to an http route (a pure proxy
 * to a recording backend) and to the dashboard: the route answers a 4xx or forwards the request
 * with its target and header lines unchanged, and nothing but printable ASCII ever reaches the
 * backend; the dashboard never answers 5xx.
 */
class HttpHeadPropertiesTest {
    private static final Set<Integer> REFUSALS = Set.of(400, 414, 431);
    private static RecordingBackend backend;
    private static Mesh mesh;
    private static int route;

    @BeforeContainer
    static void start() throws IOException {
        backend = new RecordingBackend();
        route = Ports.free();
        mesh = Mesh.start(Files.createTempDirectory("http-heads"), """
                "%d": {"backends": [{"internal_port": "%d"}]}""".formatted(route, backend.port()));
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            mesh.close();
        } finally {
            backend.close();
        }
    }

    record Line(String name, String value) {
    }

    /** Characters as bytes: each char below 256 is sent as that one byte. */
    private static Arbitrary<String> bytes(String usual, int max) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withChars(usual).ofMaxLength(max)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(max)),
                Tuple.of(1, Arbitraries.strings().withChars(usual + "\u0000\u0001\t\r\n\u007f\u0080\u00c3\u00a9\u00ff ")
                        .ofMaxLength(max)));
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> escape = Combinators.combine(Arbitraries.of("%"), Arbitraries.strings()
                .withChars("0123456789abcdefABCDEFxz").ofLength(2)).as((p, h) -> p + h);
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(6, bytes("abcXYZ019-._~!$&'()*+,;=:@/?", 8)),
                Tuple.of(2, escape));
        return piece.list().ofMaxSize(6).map(l -> "/" + String.join("", l));
    }

    @Provide
    Arbitrary<List<Line>> lines() {
        Arbitrary<String> name = bytes("abcXYZ019-!#$%&'*+.^_`|~", 12).map(n -> "X-" + n);
        Arbitrary<String> value = bytes("abc XYZ019-._~!\"#$%&'()*+,/:;<=>?@[\\]^_`{|}\t", 30);
        return Combinators.combine(name, value).as(Line::new).list().ofMaxSize(5);
    }

    @Property(tries = 400)
    void routeRefusesOrForwardsUnchanged(@ForAll("targets") String target, @ForAll("lines") List<Line> lines)
            throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(Raw.ascii("GET " + target + " HTTP/1.1\r\nHost: h\r\n"));
        for (Line l : lines) {
            head.writeBytes(Raw.ascii(l.name() + ": " + l.value() + "\r\n"));
        }
        head.writeBytes(Raw.ascii("Connection: close\r\n\r\n"));

        Raw.Reply r = Raw.exchange(route, head.toByteArray(), Duration.ofSeconds(15));
        byte[] seen = backend.heads().poll();
        Statistics.collect(r.status());
        if (REFUSALS.contains(r.status())) {
            assertNull(seen, "a refused request reached the backend");
            return;
        }
        assertEquals(200, r.status(), r.toString());
        assertNotNull(seen);
        String forwarded = new String(seen, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < forwarded.length(); i++) {
            char c = forwarded.charAt(i);
            assertTrue(c == '\r' || c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f),
                    "byte " + (int) c + " at " + i + " reached the backend");
        }
        assertTrue(forwarded.startsWith("GET " + target + " HTTP/1.1\r\n"), forwarded);
        for (Line l : lines) {
            // the line as a server reads it: the name ends at the first colon (a generated name may
            // hold one), and surrounding blanks are not part of the value (RFC 9110 5.5)
            String line = l.name() + ": " + l.value();
            int colon = line.indexOf(':');
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            assertTrue(forwarded.contains("\r\n" + name + ": " + value + "\r\n")
                    || forwarded.contains("\r\n" + name + ":" + value + "\r\n"), () -> l + " not in " + forwarded);
        }
    }

    @Property(tries = 300)
    void dashboardNeverAnswers5xx(@ForAll("targets") String target, @ForAll("lines") List<Line> lines) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(Raw.ascii("GET /api" + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + mesh.dashboard + "\r\n"));
        for (Line l : lines) {
            head.writeBytes(Raw.ascii(l.name() + ": " + l.value() + "\r\n"));
        }
        head.writeBytes(Raw.ascii("Connection: close\r\n\r\n"));

        Raw.Reply r = Raw.exchange(mesh.dashboard, head.toByteArray(), Duration.ofSeconds(15));
        Statistics.collect(r.status());
        assertTrue(r.status() >= 200 && r.status() < 500, r.toString());
    }
}
