package io.gophermesh.route.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpRouteWebSocketTest {
    private Process echo;
    private int echoPort;
    private HttpRoute route;

    @BeforeEach
    void startEcho() throws IOException {
        echoPort = Ports.free();
        echo = new ProcessBuilder(Workers.command("http/ws_echo.py", String.valueOf(echoPort)))
                .redirectErrorStream(true)
                .start();
        Await.until(Duration.ofSeconds(10), "ws_echo.py listening", () -> Ports.accepting(echoPort));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        echo.destroy();
        assertTrue(echo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    @Test
    void echoesTextThroughTheRouteWithTheSubprotocolIntact() throws Exception {
        route = Routes.spec().backend("ws", echoPort).start();
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder part = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                part.append(data);
                if (last) {
                    received.add(part.toString());
                    part.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }
        };

        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("chat.v2", "chat.v1")
                .buildAsync(URI.create("ws://127.0.0.1:" + route.port() + "/chat?room=1"), listener)
                .get(10, TimeUnit.SECONDS);

        assertEquals("chat.v2", ws.getSubprotocol());
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertEquals("hello", received.poll(5, TimeUnit.SECONDS));
        String big = "x".repeat(70_000);
        ws.sendText(big, true).get(5, TimeUnit.SECONDS);
        String echoed = received.poll(5, TimeUnit.SECONDS);
        assertTrue(big.equals(echoed), "echo of a 70000-char message came back with "
                + (echoed == null ? "nothing" : echoed.length() + " chars"));

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(5, TimeUnit.SECONDS));
        Await.until(Duration.ofSeconds(5), "tunnel accounted as ended",
                () -> route.context().backends().getFirst().inFlight() == 0
                        && route.context().metrics().snapshot().inFlight() == 0);
        assertTrue(route.context().metrics().snapshot().bytesIn() > 70_000);
    }

    @Test
    void relaysTheBackendHandshakeVerbatim() throws Exception {
        route = Routes.spec().backend("ws", echoPort).start();
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

        try (RawHttp c = new RawHttp(route.port())) {
            c.send("GET /chat?room=2&x=%20 HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
            RawHttp.Response head = c.readHead();
            assertEquals(101, head.status());
            assertEquals("websocket", head.header("Upgrade"));
            assertEquals("mqtt", head.header("Sec-WebSocket-Protocol"));
            assertEquals("/chat?room=2&x=%20", head.header("X-Seen-Path"));
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            assertEquals(Base64.getEncoder().encodeToString(digest), head.header("Sec-WebSocket-Accept"));

            // one masked text frame "ping!" and its unmasked echo
            byte[] mask = {1, 2, 3, 4};
            byte[] payload = "ping!".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            c.out().write(frame);
            c.out().flush();
            byte[] echoed = c.in().readNBytes(2 + payload.length);
            assertEquals((byte) 0x81, echoed[0]);
            assertEquals(payload.length, echoed[1]);
            assertEquals("ping!", new String(echoed, 2, payload.length, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void answers503WhenNoWebSocketBackendIsReachable() throws Exception {
        route = Routes.spec().backend("gone", Routes.deadPort()).start();

        RawHttp.Response r = RawHttp.exchange(route.port(), "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n");

        assertEquals(503, r.status());
        assertTrue(r.text().startsWith("Cold start failed: route " + route.port() + " backend gone"), r.text());
    }
}
