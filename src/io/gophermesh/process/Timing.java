package io.gophermesh.process;

import java.time.Duration;

/**
 * The clock constants of process supervision, in one place so tests can shrink them.
 *
 * @param pollFirst    first pause between readiness probes; short so a fast backend is served at once
 * @param pollMax      longest pause between readiness probes
 * @param crashWindow  an exit this soon after start counts as a failed start even after readiness
 * @param stableAfter  an exit after this much uptime clears the failed-start count
 * @param backoffFirst delay after the first failed start; doubles with every further failure
 * @param backoffMax   longest delay between starts of a crash-looping backend
 * @param killGrace    time a tree has between SIGTERM and SIGKILL on kill, idle stop and timeout
 * @param drain        how long to wait for the last output of an exited process
 */
record Timing(Duration pollFirst, Duration pollMax, Duration crashWindow, Duration stableAfter,
              Duration backoffFirst, Duration backoffMax, Duration killGrace, Duration drain) {

    /** What the mesh runs with. */
    static final Timing DEFAULT = new Timing(
            Duration.ofNanos(500_000), Duration.ofMillis(50),
            Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofSeconds(2), Duration.ofSeconds(1));

    /**
     * @param failures failed starts in a row, at least 1
     * @return how long to wait before the next start
     */
    Duration backoff(int failures) {
        Duration d = backoffFirst;
        for (int i = 1; i < failures && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
