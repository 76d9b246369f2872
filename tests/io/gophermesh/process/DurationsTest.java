package io.gophermesh.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages spell durations the way the config file does. */
@Timeout(10)
class DurationsTest {
    @Test
    void durationsAreWrittenAsInTheConfig() {
        assertEquals("700ms", Durations.millis(Duration.ofMillis(700)));
        assertEquals("30s", Durations.millis(Duration.ofSeconds(30)));
        assertEquals("1.5s", Durations.millis(Duration.ofMillis(1500)));
        assertEquals("10m0s", Durations.millis(Duration.ofMinutes(10)));
        assertEquals("1h2m3s", Durations.millis(Duration.ofSeconds(3723)));
    }
}
