package io.gophermesh.config;

/**
 * Puts user-written text into a one-line message: control and line-breaking characters escaped
 * as in JSON, long names cut, so that a stray newline in a field name cannot break a log line or
 * an error dialog.
 */
final class Quote {
    private static final int MAX = 80;

    private Quote() {
    }

    /** {@return {@code "text"}, escaped and cut, with inner quotes and backslashes escaped too} */
    static String of(String text) {
        return "\"" + escape(cut(text), true) + "\"";
    }

    /** {@return text escaped and cut, without quotes (for names shown bare)} */
    static String bare(String text) {
        return escape(cut(text), false);
    }

    /** {@return text escaped, never cut (for paths and system messages)} */
    static String line(String text) {
        return escape(text, false);
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX ? text : text.substring(0, MAX) + "...";
    }

    private static String escape(String text, boolean quoted) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append(quoted ? "\\" : "").append(c);
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
