package io.gophermesh.route.http;

import java.nio.charset.StandardCharsets;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers for requests the web server rejects before the route sees them (malformed framing,
 * oversized heads or bodies): a status and one short line of text, never a stack trace.
 */
final class ErrorPages implements DirectHandler {
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    private ErrorPages() {
    }

    /** {@return handlers for every event type} */
    static DirectHandlers handlers() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        ErrorPages pages = new ErrorPages();
        for (EventType type : EventType.values()) {
            b.addHandler(type, pages);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        Status status = defaultStatus;
        String text = message;
        if (message != null && message.contains("Header size exceeded")) {
            // the web server reports an oversized header block as a plain 400
            status = HEADERS_TOO_LARGE;
            text = "Request header fields too large";
        } else if (status.code() == 413) {
            text = "Request body too large";
        } else if (text == null || text.isBlank()) {
            text = status.reasonPhrase();
        }
        responseHeaders.set(HeaderValues.CONTENT_TYPE_TEXT_PLAIN);
        return TransportResponse.builder()
                .status(status)
                .headers(responseHeaders)
                .entity((firstLine(text) + "\n").getBytes(StandardCharsets.UTF_8))
                .keepAlive(false)
                .build();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
