package io.gophermesh.route.http;

import java.time.Duration;

/** Durations as people read them in messages: {@code 500ms}, {@code 30s}, {@code 5m}. */
final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
        if (d == null) {
            return "unlimited";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** {@return whole seconds, rounded up, at least 1} */
    static long ceilSeconds(Duration d) {
        long ms = d.toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }
}
