package io.gophermesh.process;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.gophermesh.config.GoDuration;

/** Durations in messages: the config file's spelling, to the millisecond ({@code 700ms}, {@code 1m30s}). */
final class Durations {
    private Durations() {
    }

    static String millis(Duration d) {
        return GoDuration.format(d.truncatedTo(ChronoUnit.MILLIS));
    }
}
