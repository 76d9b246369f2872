package io.gophermesh.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A managed backend could not be made ready. The message names the route, backend and cause
 * (exit code, timeout, backoff); {@link #lastLines()} carries the backend's last log lines so the
 * client can see why it did not boot.
 */
public final class ColdStartException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> lastLines;
    private final transient Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message    what failed, with route and backend
     * @param lastLines  the backend's last log lines, possibly empty
     * @param retryAfter when a retry may succeed, {@code null} if unknown
     */
    public ColdStartException(String message, List<String> lastLines, Duration retryAfter) {
        super(message);
        this.lastLines = List.copyOf(lastLines);
        this.retryAfter = retryAfter;
    }

    /** {@return the backend's last log lines, oldest first} */
    public List<String> lastLines() {
        return lastLines;
    }

    /** {@return suggested delay before a retry, {@code null} if unknown} */
    public Duration retryAfter() {
        return retryAfter;
    }
}
