package io.gophermesh.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them and {@code Duration.String}
 * writes them, so that a config file reads the same to both implementations.
 */
public final class GoDuration {
    /** Go keeps durations in a signed 64-bit count of nanoseconds; anything longer does not exist there. */
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);

    private GoDuration() {
    }

    /**
     * Parses {@code "300ms"}, {@code "-1.5h"}, {@code "2h45m"}: a sign, then one or more decimal
     * numbers each with a unit ({@code ns us µs μs ms s m h}). A bare {@code "0"} is zero.
     *
     * @param text the duration text
     * @return the duration
     * @throws IllegalArgumentException with a user-facing reason when the text is not a duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            negative = text.charAt(0) == '-';
            i++;
        }
        if (text.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == text.length()) {
            throw invalid(text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
            }
            boolean intDigits = i > start;
            boolean fracDigits = false;
            if (i < text.length() && text.charAt(i) == '.') {
                i++;
                int fracStart = i;
                while (i < text.length() && isDigit(text.charAt(i))) {
                    i++;
                }
                fracDigits = i > fracStart;
            }
            if (!intDigits && !fracDigits) {
                throw invalid(text);
            }
            String number = text.substring(start, i);
            int unitStart = i;
            while (i < text.length() && text.charAt(i) != '.' && !isDigit(text.charAt(i))) {
                i++;
            }
            if (unitStart == i) {
                throw new IllegalArgumentException("missing unit in duration " + Quote.of(text)
                        + " (use ns, us, ms, s, m or h)");
            }
            long unit = unitNanos(text.substring(unitStart, i), text);
            BigDecimal value = new BigDecimal(number.endsWith(".") ? number + "0" : "0" + number);
            nanos = nanos.add(value.multiply(BigDecimal.valueOf(unit)));
            if (nanos.compareTo(new BigDecimal(MAX_NANOS).add(BigDecimal.ONE)) > 0) {
                throw new IllegalArgumentException("duration " + Quote.of(text) + " is too long");
            }
        }
        BigInteger whole = nanos.toBigInteger();
        if (negative) {
            whole = whole.negate();
        }
        if (whole.compareTo(MAX_NANOS) > 0 || whole.compareTo(MIN_NANOS) < 0) {
            throw new IllegalArgumentException("duration " + Quote.of(text) + " is too long");
        }
        return Duration.ofNanos(whole.longValueExact());
    }

    /**
     * Writes a duration as Go's {@code Duration.String} does: {@code "1h30m0s"}, {@code "1.5s"},
     * {@code "500ms"}, {@code "0s"}.
     *
     * @param duration any duration, also one beyond Go's range
     * @return its text
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        boolean negative = duration.isNegative();
        Duration d = duration.abs();
        StringBuilder out = new StringBuilder();
        if (negative) {
            out.append('-');
        }
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds == 0) {
            if (nanos < 1_000) {
                out.append(nanos).append("ns");
            } else if (nanos < 1_000_000) {
                out.append(decimal(nanos / 1_000, nanos % 1_000, 3)).append("µs");
            } else {
                out.append(decimal(nanos / 1_000_000, nanos % 1_000_000, 6)).append("ms");
            }
            return out.toString();
        }
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(decimal(secs, nanos, 9)).append('s');
        return out.toString();
    }

    /** {@code whole.fraction} with the fraction's trailing zeros (and a bare point) left out. */
    private static String decimal(long whole, long fraction, int digits) {
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String frac = String.format("%0" + digits + "d", fraction).replaceFirst("0+$", "");
        return whole + "." + frac;
    }

    private static long unitNanos(String unit, String text) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit " + Quote.of(unit) + " in duration "
                    + Quote.of(text) + " (use ns, us, ms, s, m or h)");
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration " + Quote.of(text)
                + " (write it as Go does, e.g. \"500ms\", \"30s\", \"1h30m\")");
    }
}
