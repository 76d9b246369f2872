package io.gophermesh.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LaunchProtocolParseTest {

    private static final String[] ACCEPTED = {
            "gophermesh://launch                              | -     | -",
            "gophermesh:launch                                | -     | -",
            "gophermesh:///launch                             | -     | -",
            "gophermesh:/launch                               | -     | -",
            "gophermesh://launch/                             | -     | -",
            "gophermesh://launch?                             | -     | -",
            "GopherMesh://LAUNCH?port=18081                   | 18081 | -",
            "gophermesh:launch?port=8090                      | 8090  | -",
            "gophermesh:///launch?port=1                      | 1     | -",
            "gophermesh://launch/?port=65535                  | 65535 | -",
            "gophermesh://launch?port=18081&conf=sample/sample_config.json | 18081 | sample/sample_config.json",
            "gophermesh://launch?config=mesh.json             | -     | mesh.json",
            "gophermesh://launch?conf=a%2Fb.json&port=%3180   | 180   | a/b.json",
            "gophermesh://launch?conf=%E9%85%8D%E7%BD%AE.json | -     | \u914d\u7f6e.json",
    };

    private static final String[] REFUSED = {
            "http://launch?port=1                          | unsupported URL scheme",
            "gophermeshx://launch                          | unsupported URL scheme",
            "://launch                                     | has no scheme",
            "launch                                        | has no scheme",
            "gophermesh://status?port=8090                 | unsupported launch URL action",
            "gophermesh://                                 | unsupported launch URL action",
            "gophermesh:////launch                         | unsupported launch URL action",
            "gophermesh://launch:80                        | unsupported launch URL action",
            "gophermesh://user@launch                      | unsupported launch URL action",
            "gophermesh://launch/extra                     | unsupported launch URL action",
            "gophermesh://launch#x                         | fragment",
            "gophermesh://launch?port=0                    | not a number from 1 to 65535",
            "gophermesh://launch?port=65536                | not a number from 1 to 65535",
            "gophermesh://launch?port=018081               | not a number from 1 to 65535",
            "gophermesh://launch?port=-1                   | not a number from 1 to 65535",
            "gophermesh://launch?port=1e3                  | not a number from 1 to 65535",
            "gophermesh://launch?port=999999999999         | not a number from 1 to 65535",
            "gophermesh://launch?port=1&port=2             | port more than once",
            "gophermesh://launch?conf=a.json&config=b.json | conf/config more than once",
            "gophermesh://launch?port=                     | parameter port is empty",
            "gophermesh://launch?port                      | has no value",
            "gophermesh://launch?port=1&                   | empty parameter",
            "gophermesh://launch?&port=1                   | empty parameter",
            "gophermesh://launch?debug=1                   | unknown launch URL parameter 'debug'",
            "gophermesh://launch?Port=1                    | unknown launch URL parameter 'Port'",
            "gophermesh://launch?port=%3                   | malformed percent escape",
            "gophermesh://launch?port=%zz                  | malformed percent escape",
            "gophermesh://launch?conf=%C3%28.json          | not valid UTF-8",
            "gophermesh://launch?conf=a%00.json            | NUL",
            "gophermesh://launch?conf=a%0A.json            | control character U+000A",
            "gophermesh://launch?conf=a%0d.json            | control character U+000D",
            "gophermesh://launch?conf=a%20b.json           | a space",
            "gophermesh://launch?conf=a+b.json             | a space",
            "gophermesh://launch?conf=a%22.json            | a double quote",
            "gophermesh://launch?conf=a%27.json            | a single quote",
            "gophermesh://launch?conf=a%60.json            | a backquote",
            "gophermesh://launch?conf=a%E2%80%AE.json      | U+202E",
            "gophermesh://launch?conf=a%C2%85.json         | U+0085",
    };

    @Test
    void acceptsTheDocumentedForms() throws LaunchException {
        for (String row : ACCEPTED) {
            String[] cells = cells(row);
            LaunchProtocolRequest request = LaunchProtocol.parse(cells[0]);
            assertEquals(cells[1].equals("-") ? null : Integer.valueOf(cells[1]), request.port(), cells[0]);
            assertEquals(cells[2].equals("-") ? null : cells[2], request.conf(), cells[0]);
            assertEquals(cells[0], request.rawUrl());
        }
    }

    @Test
    void refusesEverythingElse() {
        for (String row : REFUSED) {
            String[] cells = cells(row);
            LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.parse(cells[0]), cells[0]);
            assertTrue(e.getMessage().contains(cells[1]),
                    () -> cells[0] + ": message '" + e.getMessage() + "' should contain '" + cells[1] + "'");
        }
    }

    private static String[] cells(String row) {
        String[] cells = row.split("\\|");
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].trim();
        }
        return cells;
    }

    @Test
    void decodesParameterNamesLikeValues() throws LaunchException {
        assertEquals(1, LaunchProtocol.parse("gophermesh://launch?p%6Frt=1").port());
    }

    @Test
    void refusesRawQuotesSpacesControlsAndNonAscii() {
        for (String url : new String[] {"gophermesh://launch?conf=\"x.json", "gophermesh://launch?conf='x.json",
                "gophermesh://launch?conf=x .json", "gophermesh://launch?conf=x\u0000.json", "gophermesh://launch\n",
                "gophermesh://launch?conf=\u00e9.json", "gophermesh://launch?conf=`id`.json", "gophermesh://launch?conf=a\\b.json",
                "gophermesh://launch?conf=<x>.json", "gophermesh://launch\t?port=1"}) {
            LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.parse(url), url);
            assertTrue(e.getMessage().contains("are refused"), e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), "message must be printable: " + e.getMessage());
        }
    }

    @Test
    void refusesEmptyAndOverlongUrls() throws LaunchException {
        assertThrows(LaunchException.class, () -> LaunchProtocol.parse(""));
        assertThrows(LaunchException.class, () -> LaunchProtocol.parse(null));
        String prefix = "gophermesh://launch?conf=";
        String fits = prefix + "a".repeat(UrlParser.MAX_LENGTH - prefix.length() - 5) + ".json";
        assertEquals(UrlParser.MAX_LENGTH, fits.length());
        assertEquals(fits.substring(prefix.length()), LaunchProtocol.parse(fits).conf());
        LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.parse(fits + "x"));
        assertTrue(e.getMessage().contains("at most 2048"), e.getMessage());
    }

    @Test
    void echoedInputIsPrintableAndShort() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> LaunchProtocol.parse("gophermesh://status" + "x".repeat(500)));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void customSchemeReplacesTheDefault() throws LaunchException {
        LaunchProtocolOptions options = LaunchProtocolOptions.builder().scheme("etaiIotPlugin").build();
        assertEquals(8090, LaunchProtocol.parse("etaiiotplugin://launch?port=8090", options).port());
        LaunchException e = assertThrows(LaunchException.class, () -> LaunchProtocol.parse("gophermesh://launch", options));
        assertTrue(e.getMessage().contains("etaiiotplugin://launch"), e.getMessage());
        assertNull(LaunchProtocol.parse("gophermesh://launch", null).port());
    }

    @Test
    void optionsFillDefaultsAndRefuseUnsafeNames() {
        LaunchProtocolOptions d = LaunchProtocolOptions.DEFAULT;
        assertEquals("gophermesh", d.scheme());
        assertEquals("GopherMesh", d.displayName());
        assertEquals("gophermesh", d.windowsKeyName());
        assertEquals("gophermesh", d.linuxDesktopName());
        assertEquals("com.gophermesh.cli", d.macOSBundleId());
        LaunchProtocolOptions custom = LaunchProtocolOptions.builder().scheme("myApp").windowsKeyName("MyKey").build();
        assertEquals("MyKey", custom.linuxDesktopName());
        assertEquals("mykey", custom.desktopSlug());
        for (Runnable bad : new Runnable[] {
                () -> LaunchProtocolOptions.builder().scheme("1abc").build(),
                () -> LaunchProtocolOptions.builder().scheme("a b").build(),
                () -> LaunchProtocolOptions.builder().linuxDesktopName("../x").build(),
                () -> LaunchProtocolOptions.builder().windowsKeyName("a\\b").build(),
                () -> LaunchProtocolOptions.builder().displayName("Mesh\nExec=evil").build(),
                () -> LaunchProtocolOptions.builder().displayName("a/b").build(),
                () -> LaunchProtocolOptions.builder().macOSBundleId("com.x;y").build()}) {
            assertThrows(IllegalArgumentException.class, bad::run);
        }
    }
}
