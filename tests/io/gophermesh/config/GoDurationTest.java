package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GoDurationTest {

    @TestFactory
    Stream<DynamicTest> parsesGoSyntax() {
        String[][] table = {
                {"0", "0"},
                {"+0", "0"},
                {"-0", "0"},
                {"0s", "0"},
                {"500ms", "500000000"},
                {"30s", "30000000000"},
                {"5m", "300000000000"},
                {"1h30m", "5400000000000"},
                {"1.5s", "1500000000"},
                {".5s", "500000000"},
                {"1.s", "1000000000"},
                {"1h1m1s1ms1us1ns", "3661001001001"},
                {"1µs", "1000"},
                {"1μs", "1000"},
                {"10ns", "10"},
                {"-1.5h", "-5400000000000"},
                {"2h45m", "9900000000000"},
                {"9223372036854775807ns", "9223372036854775807"},
                {"1.0000000001s", "1000000000"},
        };
        return Arrays.stream(table).map(row -> DynamicTest.dynamicTest(row[0] + " = " + row[1] + "ns",
                () -> assertEquals(Duration.ofNanos(Long.parseLong(row[1])), GoDuration.parse(row[0]))));
    }

    @TestFactory
    Stream<DynamicTest> formatsAsGoDoes() {
        String[][] table = {
                {"0s", "0"},
                {"1ns", "1"},
                {"999ns", "999"},
                {"1µs", "1000"},
                {"1.5µs", "1500"},
                {"1ms", "1000000"},
                {"500ms", "500000000"},
                {"1.234567ms", "1234567"},
                {"1s", "1000000000"},
                {"1.5s", "1500000000"},
                {"30s", "30000000000"},
                {"5m0s", "300000000000"},
                {"1h30m0s", "5400000000000"},
                {"1h0m0.000000001s", "3600000000001"},
                {"-1.5s", "-1500000000"},
                {"2562047h47m16.854775807s", "9223372036854775807"},
        };
        return Arrays.stream(table).map(row -> DynamicTest.dynamicTest(row[1] + "ns -> " + row[0],
                () -> assertEquals(row[0], GoDuration.format(Duration.ofNanos(Long.parseLong(row[1]))))));
    }

    @Test
    void formatsDurationsBeyondGoRangeWithoutOverflow() {
        assertEquals("8760000000h0m0s", GoDuration.format(Duration.ofDays(365_000_000)));
    }

    @TestFactory
    Stream<DynamicTest> refusesWhatGoRefuses() {
        String[] table = {"", "s", "5", "1.5", ".", ".s", "-", "+", "5x", "5 s", " 5s", "5s ", "1d", "5sec",
            "5S", "1..5s", "1.5.5s", "ms", "9223372036854775808ns", "2562048h", "1e3s", "+-5s", "5s-3s", "٥s"};
        return Arrays.stream(table).map(text -> DynamicTest.dynamicTest("refuses \"" + text + "\"", () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
            assertTrue(e.getMessage().contains("duration"), e.getMessage());
        }));
    }

    @Test
    void formatThenParseIsIdentity() {
        long[] samples = {1, 7, 999, 1_000, 1_001, 999_999, 1_000_000, 123_456_789, 1_000_000_000, 59_999_999_999L,
                60_000_000_000L, 3_599_999_999_999L, 3_600_000_000_000L, 86_400_000_000_000L, Long.MAX_VALUE};
        for (long n : samples) {
            for (long v : new long[] {n, -n}) {
                Duration d = Duration.ofNanos(v);
                assertEquals(d, GoDuration.parse(GoDuration.format(d)), GoDuration.format(d));
            }
        }
    }
}
