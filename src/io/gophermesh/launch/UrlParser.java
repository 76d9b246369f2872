package io.gophermesh.launch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Strict parser of launch URLs. The URL comes from any web page, so everything not needed for
 * {@code SCHEME://launch?port=N&conf=FILE} is refused rather than ignored.
 */
final class UrlParser {
    /** Longest URL accepted, in characters. */
    static final int MAX_LENGTH = 2048;

    private static final String ACTION = "launch";
    private static final String RAW_PUNCTUATION = "-._~:/?#[]@!$&()*+,;=%";

    private UrlParser() {
    }

    static LaunchProtocolRequest parse(String raw, LaunchProtocolOptions options) throws LaunchException {
        if (raw == null || raw.isEmpty()) {
            throw new LaunchException("launch URL is empty; expected " + example(options));
        }
        if (raw.length() > MAX_LENGTH) {
            throw new LaunchException("launch URL is " + raw.length() + " characters long; at most "
                    + MAX_LENGTH + " are accepted");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!allowedRaw(c)) {
                throw new LaunchException("launch URL contains " + Texts.describe(c) + " at position " + i
                        + "; quotes, spaces, control and non-ASCII characters are refused");
            }
        }
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            throw new LaunchException("launch URL " + Texts.show(raw) + " has no scheme; expected " + example(options));
        }
        String scheme = raw.substring(0, colon);
        if (!scheme.equalsIgnoreCase(options.scheme())) {
            throw new LaunchException("unsupported URL scheme " + Texts.show(scheme) + "; expected " + example(options));
        }
        String rest = raw.substring(colon + 1);
        if (rest.indexOf('#') >= 0) {
            throw new LaunchException("launch URL " + Texts.show(raw) + " has a fragment ('#'), which is refused");
        }
        int question = rest.indexOf('?');
        String target = question < 0 ? rest : rest.substring(0, question);
        checkAction(target, options);
        Map<String, String> params = question < 0 ? Map.of() : parameters(rest.substring(question + 1));
        String port = params.get("port");
        return new LaunchProtocolRequest(port == null ? null : port(port), params.get("conf"), raw);
    }

    /** Accepts {@code launch}, {@code /launch}, {@code //launch} and {@code ///launch}, each with one trailing slash or none. */
    private static void checkAction(String target, LaunchProtocolOptions options) throws LaunchException {
        int slashes = 0;
        while (slashes < target.length() && target.charAt(slashes) == '/') {
            slashes++;
        }
        String action = target.substring(slashes);
        if (action.endsWith("/")) {
            action = action.substring(0, action.length() - 1);
        }
        if (slashes > 3 || !action.equalsIgnoreCase(ACTION)) {
            throw new LaunchException("unsupported launch URL action " + Texts.show(target)
                    + "; only " + example(options) + " is accepted");
        }
    }

    private static Map<String, String> parameters(String query) throws LaunchException {
        Map<String, String> params = new HashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String part : query.split("&", -1)) {
            if (part.isEmpty()) {
                throw new LaunchException("launch URL has an empty parameter (\"&&\", or '&' at an end)");
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new LaunchException("launch URL parameter " + Texts.show(part) + " has no value");
            }
            String name = decode(part.substring(0, eq), "parameter name");
            // the name is checked before the value is decoded, so a refusal only ever echoes a known name
            String key = switch (name) {
                case "port" -> "port";
                case "conf", "config" -> "conf";
                default -> throw new LaunchException("unknown launch URL parameter " + Texts.show(name)
                        + "; accepted: port, conf (alias config)");
            };
            String value = decode(part.substring(eq + 1), "parameter " + name);
            if (value.isEmpty()) {
                throw new LaunchException("launch URL parameter " + name + " is empty");
            }
            if (params.putIfAbsent(key, value) != null) {
                throw new LaunchException("launch URL gives " + (key.equals("conf") ? "conf/config" : key)
                        + " more than once");
            }
        }
        return params;
    }

    private static Integer port(String value) throws LaunchException {
        if (!value.matches("[1-9][0-9]{0,4}") || Integer.parseInt(value) > 65535) {
            throw new LaunchException("port " + Texts.show(value)
                    + " in launch URL is not a number from 1 to 65535 (digits only, no leading zero)");
        }
        return Integer.parseInt(value);
    }

    /** Strict percent-decoding ('+' is a space, as in forms); the result must be valid UTF-8 and printable. */
    private static String decode(String encoded, String what) throws LaunchException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length() || hex(encoded.charAt(i + 1)) < 0 || hex(encoded.charAt(i + 2)) < 0) {
                    throw new LaunchException("launch URL " + what + " has a malformed percent escape: " + Texts.show(encoded));
                }
                bytes.write(hex(encoded.charAt(i + 1)) * 16 + hex(encoded.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new LaunchException("launch URL " + what + " is not valid UTF-8 once decoded: " + Texts.show(encoded), e);
        }
        int bad = decoded.codePoints().filter(UrlParser::refusedDecoded).findFirst().orElse(-1);
        if (bad >= 0) {
            throw new LaunchException("launch URL " + what + " contains " + Texts.describe(bad)
                    + " once decoded; quotes, spaces and control characters are refused");
        }
        return decoded;
    }

    private static boolean refusedDecoded(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED || c == '"' || c == '\'' || c == '`';
    }

    private static boolean allowedRaw(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || RAW_PUNCTUATION.indexOf(c) >= 0;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static String example(LaunchProtocolOptions options) {
        return options.scheme().toLowerCase(Locale.ROOT) + "://launch?port=PORT";
    }
}
