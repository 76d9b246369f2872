package io.gophermesh.route.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header block a CGI program writes before its body (RFC 3875 section 6): {@code Status},
 * {@code Content-Type}, {@code Location} and other fields, ended by an empty line. Lines may end
 * with LF or CRLF.
 *
 * @param status        response status
 * @param reason        reason phrase given with {@code Status}, {@code null} for the standard one
 * @param headers       fields to send on, without {@code Status}, {@code Content-Length} and hop-by-hop fields
 * @param location      the {@code Location} field, {@code null} when absent
 * @param contentLength the {@code Content-Length} field, -1 when absent
 * @param localRedirect whether the program asks the server to serve another local path instead
 */
record CgiResponse(int status, String reason, List<String[]> headers, String location, long contentLength,
                   boolean localRedirect) {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
            "proxy-connection", "te", "trailer", "upgrade");
    private static final String TCHAR = "!#$%&'*+-.^_`|~";

    /**
     * Reads the header block; the body stays in {@code stdout}.
     *
     * @param stdout the program's output
     * @param limit  largest header block accepted
     * @return the response head, {@code null} when the program wrote nothing at all
     * @throws HttpProblem (502) when the block is malformed, too large or cut off
     */
    static CgiResponse read(InputStream stdout, int limit) throws HttpProblem {
        List<String[]> fields = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int total = 0;
        while (true) {
            int b;
            try {
                b = stdout.read();
            } catch (IOException e) {
                b = -1;
            }
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw malformed("output ended inside the CGI header block");
            }
            if (++total > limit) {
                throw malformed("CGI header block larger than " + limit + " bytes");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return of(fields);
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && !fields.isEmpty()) {
                String[] last = fields.getLast();
                last[1] = last[1] + " " + text.trim();
                continue;
            }
            fields.add(field(text));
        }
    }

    private static String[] field(String text) throws HttpProblem {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw malformed("CGI header line without a field name");
        }
        String name = text.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TCHAR.indexOf(c) >= 0)) {
                throw malformed("CGI header field name is not a token");
            }
        }
        String value = text.substring(colon + 1).trim();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw malformed("control character in a CGI header field");
            }
        }
        return new String[] {name, value};
    }

    private static CgiResponse of(List<String[]> fields) throws HttpProblem {
        Integer status = null;
        String reason = null;
        String location = null;
        boolean contentType = false;
        long length = -1;
        List<String[]> headers = new ArrayList<>();
        for (String[] f : fields) {
            String name = f[0].toLowerCase(Locale.ROOT);
            switch (name) {
                case "status" -> {
                    String v = f[1];
                    if (v.length() < 3 || !v.substring(0, 3).chars().allMatch(Character::isDigit)
                            || v.length() > 3 && v.charAt(3) != ' ') {
                        throw malformed("malformed CGI Status field");
                    }
                    status = Integer.parseInt(v.substring(0, 3));
                    reason = v.length() > 4 ? v.substring(4).trim() : null;
                    if (status < 200) {
                        throw malformed("CGI Status " + status + " is not a final status");
                    }
                }
                case "content-length" -> {
                    String v = f[1];
                    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
                        throw malformed("malformed CGI Content-Length field");
                    }
                    length = Long.parseLong(v);
                }
                case "location" -> {
                    location = f[1];
                    headers.add(f);
                }
                case "content-type" -> {
                    contentType = true;
                    headers.add(f);
                }
                default -> {
                    if (!HOP_BY_HOP.contains(name)) {
                        headers.add(f);
                    }
                }
            }
        }
        if (status == null && location == null && !contentType) {
            throw malformed("CGI response has none of Status, Content-Type, Location");
        }
        boolean local = false;
        if (status == null && location != null) {
            if (location.startsWith("/") && !location.startsWith("//")) {
                local = true;
            } else {
                status = 302;
            }
        }
        return new CgiResponse(status == null ? 200 : status, reason, headers, location, length, local);
    }

    private static HttpProblem malformed(String why) {
        return new HttpProblem(502, why);
    }
}
