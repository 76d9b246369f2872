package io.gophermesh.launch;

/** Quoting of paths for the three places a registration writes them. */
final class Quoting {
    private Quoting() {
    }

    /**
     * POSIX shell: one single-quoted word; inside single quotes nothing is special, and a single
     * quote is written as {@code '\''}.
     */
    static String shell(String value) {
        requireNoNul(value);
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * One argument of a desktop entry {@code Exec} key: double-quoted with {@code " ` $ \} escaped
     * by a backslash (quoting rule), then every backslash doubled (string-value escape, applied first
     * when reading), and {@code %} doubled so it is not a field code. So {@code \} becomes four
     * backslashes and {@code $} becomes {@code \\$}.
     */
    static String desktopExecArg(String value) {
        requireNoNul(value);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("path contains a control character and cannot be written to a desktop entry: "
                        + Texts.show(value));
            }
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '`', '$', '\\' -> quoted.append('\\').append(c);
                default -> quoted.append(c);
            }
        }
        quoted.append('"');
        return quoted.toString().replace("\\", "\\\\").replace("%", "%%");
    }

    /** A desktop entry string value (e.g. {@code Name}): backslash escaped, no line breaks. */
    static String desktopString(String value) {
        return value.replace("\\", "\\\\");
    }

    /** A string value of a {@code .reg} file: inside double quotes, {@code \} and {@code "} escaped. */
    static String regString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void requireNoNul(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL character");
        }
    }
}
