package io.gophermesh.process;

import java.time.Duration;
import java.util.Locale;

/** Writes durations the way the config file spells them ({@code 500ms}, {@code 30s}, {@code 1m30s}). */
final class Durations {
    private Durations() {
    }

    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int ms = d.toMillisPart();
        String secs = ms == 0 ? seconds + "s" : String.format(Locale.ROOT, "%d.%03ds", seconds, ms).replaceAll("0+s$", "s");
        if (hours > 0) {
            return hours + "h" + minutes + "m" + secs;
        }
        if (minutes > 0) {
            return minutes + "m" + secs;
        }
        return secs;
    }
}
