package io.gophermesh.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@code Exec} value as the desktop entry specification says a launcher does: first the
 * string escapes, then the quoting rules. Written independently of {@link Quoting} to check it.
 */
final class DesktopExec {
    private DesktopExec() {
    }

    static List<String> split(String value) {
        StringBuilder unescaped = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char n = value.charAt(++i);
                switch (n) {
                    case 's' -> unescaped.append(' ');
                    case 'n' -> unescaped.append('\n');
                    case 't' -> unescaped.append('\t');
                    case 'r' -> unescaped.append('\r');
                    case '\\' -> unescaped.append('\\');
                    default -> unescaped.append('\\').append(n);
                }
            } else {
                unescaped.append(c);
            }
        }
        List<String> args = new ArrayList<>();
        StringBuilder arg = null;
        boolean quoted = false;
        String s = unescaped.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < s.length() && "\"`$\\".indexOf(s.charAt(i + 1)) >= 0) {
                    arg.append(s.charAt(++i));
                } else if (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '%') {
                    // GLib and KDE expand %% wherever it stands, quoted or not
                    arg.append('%');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    arg.append(c);
                }
            } else if (c == ' ') {
                if (arg != null) {
                    args.add(arg.toString());
                    arg = null;
                }
            } else {
                if (arg == null) {
                    arg = new StringBuilder();
                }
                if (c == '"') {
                    quoted = true;
                } else if (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '%') {
                    arg.append('%');
                    i++;
                } else {
                    arg.append(c);
                }
            }
        }
        if (arg != null) {
            args.add(arg.toString());
        }
        return args;
    }
}
