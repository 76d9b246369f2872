package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

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
import net.jqwik.api.statistics.Statistics;

import io.gophermesh.launch.LaunchException;
import io.gophermesh.launch.LaunchProtocol;
import io.gophermesh.launch.LaunchProtocolRequest;

/**
 * The launch URL comes from any web page. Whatever the string, {@link LaunchProtocol#parse} either
 * gives a request with a port in 1-65535 (or none) and a conf that stays inside the mesh folder
 * (or none), or refuses it with a printable {@link LaunchException}; nothing else escapes.
 */
class LaunchUrlPropertiesTest {
    private static final List<String> PIECES = List.of("gophermesh:", "GopherMesh:", "gophermesh://", "//", "///",
            "/", "launch", "LAUNCH", "launch/", "?", "&", "=", "port=", "conf=", "config=", "Port=", "port",
            "18081", "0", "65535", "65536", "018081", "-1", "1e3", "%", "%2", "%2F", "%2f", "%2E", "%2e%2e", "..",
            ".", "a.json", "sub/b.json", "link.json", "../outside.json", "%2E%2E%2Foutside.json", "nul.json",
            "/etc/passwd.json", "C:", "\\", "%5C", "%00", "%0A", "%C3%A9", "%C3", "%E2%80%AE", "%FF", "+", "%20",
            " ", "\"", "'", "`", "#", "#x", "@", ":80", "\u0000", "\n", "\u00e9", "\u202e", "\ud800", "x".repeat(300));

    private static Path base;

    @BeforeContainer
    static void makeMeshFolder() throws IOException {
        Path root = Files.createTempDirectory("launch-props");
        base = Files.createDirectories(root.resolve("mesh"));
        Files.writeString(base.resolve("a.json"), "{}");
        Files.createDirectories(base.resolve("sub"));
        Files.writeString(base.resolve("sub/b.json"), "{}");
        Files.writeString(root.resolve("outside.json"), "{}");
        Files.createSymbolicLink(base.resolve("link.json"), root.resolve("outside.json"));
        base = base.toRealPath();
    }

    @AfterContainer
    static void removeMeshFolder() throws IOException {
        try (Stream<Path> files = Files.walk(base.getParent())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(2040).ofMaxLength(2060)),
                Tuple.of(8, Arbitraries.of(PIECES).list().ofMaxSize(12).map(l -> String.join("", l))),
                Tuple.of(6, Arbitraries.of(PIECES).list().ofMaxSize(8)
                        .map(l -> "gophermesh://launch?" + String.join("", l))),
                Tuple.of(25, parameters()));
    }

    /** {@code gophermesh://launch?K=V&...} with likely keys and values made of pieces. */
    private static Arbitrary<String> parameters() {
        Arbitrary<String> key = Arbitraries.of("port", "conf", "config", "port", "conf", "Port", "p%6Frt", "x", "");
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("18081", "1", "65535", "a.json", "sub/b.json", "link.json", "sub%2Fb.json",
                        "%61.json", "missing.json", "nul.json", "a.JSON", "sub//b.json", ".a.json", "sub/./b.json")),
                Tuple.of(2, Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l))),
                Tuple.of(1, Arbitraries.strings().withChars("abc./%2EeFf0189_-~").ofMaxLength(16)));
        return Combinators.combine(key, value).as((k, v) -> k + "=" + v).list().ofMinSize(1).ofMaxSize(3)
                .map(l -> "gophermesh://launch?" + String.join("&", l));
    }

    @Property(tries = 3000, edgeCases = EdgeCasesMode.FIRST)
    void anyStringParsesToASafeRequestOrIsRefused(@ForAll("anyText") String url) {
        LaunchProtocolRequest request;
        try {
            request = LaunchProtocol.parse(url);
        } catch (LaunchException e) {
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f),
                    "refusal must be printable ASCII: " + e.getMessage());
            assertTrue(e.getMessage().length() < 600, "refusal must be short: " + e.getMessage().length());
            Statistics.collect("refused");
            return;
        }
        Statistics.collect(request.conf() == null ? "parsed" : "parsed with conf");
        assertEquals(url, request.rawUrl());
        assertTrue(url.length() <= 2048);
        assertTrue(url.toLowerCase(Locale.ROOT).startsWith("gophermesh:"), url);
        Integer port = request.port();
        assertTrue(port == null || (port >= 1 && port <= 65535), "port " + port);
        String conf = request.conf();
        if (conf != null) {
            assertTrue(!conf.isEmpty() && conf.codePoints().noneMatch(LaunchUrlPropertiesTest::unsafe),
                    "conf has a refused character: " + conf);
            confined(conf);
        }
    }

    /** A conf the parser let through either resolves inside the mesh folder or is refused there. */
    private static void confined(String conf) {
        Path resolved;
        try {
            resolved = LaunchProtocol.resolveConfigPath(base, null, conf);
        } catch (LaunchException e) {
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c != 0x7f), e.getMessage());
            Statistics.label("conf").collect("refused by confinement");
            return;
        }
        assertTrue(resolved.startsWith(base), conf + " resolved to " + resolved + ", outside " + base);
        assertTrue(Files.isRegularFile(resolved), resolved.toString());
        assertTrue(resolved.toString().endsWith(".json"), resolved.toString());
        Statistics.label("conf").collect("resolved inside");
    }

    private static boolean unsafe(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || type == Character.FORMAT || type == Character.SURROGATE || c == '"' || c == '\'' || c == '`';
    }

    // ---- valid URLs from random parts round-trip ---------------------------------------------

    record Parts(String scheme, String form, boolean slash, Integer port, String conf, boolean confAlias,
                 boolean confFirst, boolean encodeAll) {
    }

    @Provide
    Arbitrary<Parts> validParts() {
        Arbitrary<String> scheme = Arbitraries.of("gophermesh", "GOPHERMESH", "GopherMesh", "gopherMESH");
        Arbitrary<String> form = Arbitraries.of("://", ":", ":///", ":/");
        Arbitrary<Integer> port = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(4, Arbitraries.integers().between(1, 65535)),
                Tuple.of(1, Arbitraries.of(1, 65535, 80, 8081)));
        Arbitrary<String> segment = Combinators.combine(
                Arbitraries.strings().withChars("abcXYZ019_\u00e9\u914d").ofMinLength(1).ofMaxLength(1),
                Arbitraries.strings().withChars("abcXYZ019_-.\u00e9\u914d").ofMaxLength(12))
                .as((first, rest) -> first + rest);
        Arbitrary<String> conf = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(3, segment.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l) + ".json")));
        return Combinators.combine(scheme, form, Arbitraries.of(true, false), port, conf,
                        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(Parts::new);
    }

    @Property(tries = 1000)
    void urlsBuiltFromValidPartsRoundTrip(@ForAll("validParts") Parts p) throws LaunchException {
        List<String> params = new ArrayList<>();
        if (p.port() != null) {
            params.add((p.encodeAll() ? encodeAll("port") : "port") + "=" + p.port());
        }
        if (p.conf() != null) {
            params.add((p.confAlias() ? "config" : "conf") + "=" + encode(p.conf(), p.encodeAll()));
            if (p.confFirst()) {
                params.add(0, params.removeLast());
            }
        }
        String url = p.scheme() + p.form() + "launch" + (p.slash() ? "/" : "")
                + (params.isEmpty() ? "" : "?" + String.join("&", params));

        LaunchProtocolRequest r = LaunchProtocol.parse(url);

        assertEquals(p.port(), r.port(), url);
        assertEquals(p.conf(), r.conf(), url);
        assertEquals(url, r.rawUrl());
        if (p.conf() == null) {
            assertNull(r.conf());
        }
    }

    /** Percent-encodes what must be encoded (non-ASCII), and everything when {@code all}. */
    private static String encode(String s, boolean all) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (!all && c < 0x80) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    private static String encodeAll(String s) {
        return encode(s, true);
    }
}
