package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.testing.Await;

/** {@code GET /api/events}: status on connect and on change, live log lines, clean-up. */
@Timeout(60)
class DashboardEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeMesh mesh;
    private Dashboard dashboard;
    private int port;

    @BeforeEach
    void start() throws IOException {
        mesh = new FakeMesh();
        dashboard = Dashboard.builder().mesh(mesh).port(0).sseKeepAlive(Duration.ofMillis(200)).build().start();
        port = dashboard.port();
    }

    @AfterEach
    void stop() {
        dashboard.close();
    }

    @Test
    void deliversStatusLogLinesAndStatusChanges() throws Exception {
        try (RawHttp.Stream events = new RawHttp.Stream(port, "/api/events", Map.of())) {
            assertEquals(200, events.status);
            assertTrue(events.headers.get("content-type").startsWith("text/event-stream"), events.headers.toString());
            assertEquals("nosniff", events.headers.get("x-content-type-options"));

            JsonNode first = JSON.readTree(events.next("status").data());
            assertEquals(200, first.path("code").asInt());
            assertEquals("Running", first.path("data").path("18081").path("backends").get(0).path("status").asText());
            JsonNode metrics = JSON.readTree(events.next("metrics").data());
            assertEquals(12, metrics.path("data").path("18081").path("requests").asLong());

            Await.until(Duration.ofSeconds(10), "the stream to subscribe to logs", () -> mesh.subscriberCount() == 1);
            mesh.appendLog("18081:0", "hello from a live backend");
            JsonNode log = JSON.readTree(events.next("log").data());
            assertEquals("18081:0", log.path("ref").asText());
            assertEquals("hello from a live backend", log.path("line").asText());

            mesh.setRuntime("18081:1", new FakeMesh.Runtime("Starting", 777, "", 0, 0));
            JsonNode changed = JSON.readTree(events.next("status").data());
            JsonNode b = changed.path("data").path("18081").path("backends").get(1);
            assertEquals("Starting", b.path("status").asText());
            assertEquals(777, b.path("pid").asLong());
        }
        Await.until(Duration.ofSeconds(10), "the log subscription to end with the client", () -> mesh.subscriberCount() == 0);
    }

    @Test
    void refFilterSendsOnlyThatBackend() throws Exception {
        try (RawHttp.Stream events = new RawHttp.Stream(port, "/api/events?ref=18081:1", Map.of())) {
            events.next("status");
            Await.until(Duration.ofSeconds(10), "subscription", () -> mesh.subscriberCount() == 1);
            mesh.appendLog("18081:0", "not for this stream");
            mesh.appendLog("18081:1", "for this stream");
            JsonNode log = JSON.readTree(events.next("log").data());
            assertEquals("for this stream", log.path("line").asText());
        }
    }

    @Test
    void closingTheDashboardEndsStreams() throws Exception {
        try (RawHttp.Stream events = new RawHttp.Stream(port, "/api/events", Map.of())) {
            events.next("status");
            Await.until(Duration.ofSeconds(10), "subscription", () -> mesh.subscriberCount() == 1);
            dashboard.close();
            Await.until(Duration.ofSeconds(10), "the stream's subscription to end", () -> mesh.subscriberCount() == 0);
            RawHttp.Stream.Event rest;
            do {
                rest = events.nextEvent();
            } while (rest != null);
            assertNull(events.nextEvent(), "the stream ended");
        }
    }
}
