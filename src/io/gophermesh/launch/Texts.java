package io.gophermesh.launch;

/** Makes untrusted text safe to echo in a message or a log line. */
final class Texts {
    private static final int MAX_SHOWN = 80;

    private Texts() {
    }

    /**
     * @param value untrusted text, may be {@code null}
     * @return the text in single quotes, non-printable characters as {@code \\uXXXX}, cut after
     *         80 characters, so that a hostile URL cannot forge log lines or terminal escapes
     */
    static String show(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        int shown = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (value.length() > MAX_SHOWN) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    /**
     * @param c a character
     * @return how the character is named in a refusal
     */
    static String describe(int c) {
        return switch (c) {
            case ' ' -> "a space";
            case '"' -> "a double quote";
            case '\'' -> "a single quote";
            case '`' -> "a backquote";
            case 0 -> "a NUL character";
            default -> Character.isISOControl(c) ? String.format("control character U+%04X", c)
                    : c < 0x20 || c > 0x7e ? String.format("character U+%04X", c)
                    : "character '" + (char) c + "'";
        };
    }
}
