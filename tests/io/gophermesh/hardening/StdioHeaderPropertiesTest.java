package io.gophermesh.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import io.gophermesh.testing.Ports;

/**
 * Random header names and values (non-ASCII, control characters, {@code Proxy} in any spelling,
 * underscores) sent to stdio routes in http and cgi mode, whose worker prints its environment:
 * the child never gets {@code HTTP_PROXY} from a request, every variable the request adds is named
 * {@code [A-Z0-9_]+}, and the answer is a 200 or a 4xx within seconds, never a 5xx or a hang.
 */
class StdioHeaderPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> INHERITED = System.getenv();
    private static Mesh mesh;
    private static int httpMode;
    private static int cgiMode;

    @BeforeContainer
    static void start() throws IOException {
        httpMode = Ports.free();
        cgiMode = Ports.free();
        mesh = Mesh.start(Files.createTempDirectory("stdio-headers"), """
                "%d": {"protocol": "stdio", "stdio_mode": "http", "backends": [{%s}]},
                "%d": {"protocol": "stdio", "stdio_mode": "cgi", "backends": [{%s}]}"""
                .formatted(httpMode, Mesh.worker("env_json.py"), cgiMode, Mesh.worker("env_json.py")));
    }

    @AfterContainer
    static void stop() {
        mesh.close();
    }

    record Field(String name, String value) {
    }

    @Provide
    Arbitrary<List<Field>> headers() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of("Proxy", "proxy", "PROXY", "pRoXy", "Pro_xy", "Pro-xy", "Pro.xy", "_Proxy",
                        "Proxy_", "Proxy-", "-Proxy", "Pro%78y", "Pro'xy", "Pro~xy", "Http-Proxy", "HTTP_PROXY",
                        "X_Forwarded_For", "X-Forwarded-For", "Authorization", "Proxy-Authorization", "Content-Type",
                        "Cookie", "Host-", "X-Y_Z", "x-lower", "9-starts-with-digit", "!#$%&'*+.^`|~")),
                Tuple.of(3, Arbitraries.strings().withChars("abcXYZ09-_.!#$%&'*+^`|~").ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("Pro\u0131xy", "Pro\u017fy", "Proxy ", " Proxy", "X-\u00e9", "X\u0000Y",
                        "X\tY", "X:Y", "(Proxy)", "")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(8)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.strings().withCharRange(' ', '~').withChars('\t').ofMaxLength(30)),
                Tuple.of(1, Arbitraries.of("http://evil.example:8080", "a\u0000b", "a\rb", "a\nb", "\u00e9t\u00e9",
                        "caf\u00c3\u00a9", "\u00ff", "\t tabbed \t", "a\u007fb", "", " ")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
        return Combinators.combine(name, value).as(Field::new).list().ofMaxSize(5);
    }

    @Property(tries = 100)
    void httpModeChildSeesNoProxyAndCleanNames(@ForAll("headers") List<Field> headers) throws IOException {
        check(httpMode, headers);
    }

    @Property(tries = 100)
    void cgiModeChildSeesNoProxyAndCleanNames(@ForAll("headers") List<Field> headers) throws IOException {
        check(cgiMode, headers);
    }

    @Example
    void everySpellingOfProxyThatIsAValidNameIsServedWithoutHttpProxy() throws IOException {
        for (int port : new int[] {httpMode, cgiMode}) {
            for (String name : List.of("Proxy", "proxy", "PROXY", "Pro.xy", "Pro%78y", "Pro'xy", "Pro~xy")) {
                assertEquals(200, check(port, List.of(new Field(name, "http://evil.example:8080"))), name);
            }
        }
    }

    private static int check(int port, List<Field> headers) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(Raw.ascii("GET /env HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        for (Field f : headers) {
            // names and values go out as UTF-8 bytes, so non-ASCII arrives as raw high bytes
            req.writeBytes(f.name().getBytes(StandardCharsets.UTF_8));
            req.writeBytes(Raw.ascii(": "));
            req.writeBytes(f.value().getBytes(StandardCharsets.UTF_8));
            req.writeBytes(Raw.ascii("\r\n"));
        }
        req.writeBytes(Raw.ascii("Connection: close\r\n\r\n"));

        Raw.Reply r = Raw.exchange(port, req.toByteArray(), Duration.ofSeconds(20));

        assertNotEquals(Raw.HUNG, r.status(), "no answer within 20 s");
        assertNotEquals(Raw.CLOSED, r.status(), "closed without an answer");
        assertTrue(r.status() == 200 || r.status() / 100 == 4, "status " + r);
        Statistics.collect(r.status());
        if (r.status() != 200) {
            return r.status();
        }
        Map<String, String> env = JSON.readValue(r.body(), new TypeReference<Map<String, String>>() { });
        assertEquals(INHERITED.get("HTTP_PROXY"), env.get("HTTP_PROXY"), "HTTP_PROXY came from the request");
        for (String key : env.keySet()) {
            if (!INHERITED.containsKey(key)) {
                assertTrue(key.matches("[A-Z0-9_]+"), "variable name " + key);
            }
        }
        assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("HTTP_") && k.length() == 5), "empty HTTP_ name");
        return 200;
    }
}
