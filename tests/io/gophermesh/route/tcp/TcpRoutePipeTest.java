package io.gophermesh.route.tcp;

import static io.gophermesh.route.tcp.TcpFixtures.WAIT;
import static io.gophermesh.route.tcp.TcpFixtures.assertClosedByPeer;
import static io.gophermesh.route.tcp.TcpFixtures.assertEchoes;
import static io.gophermesh.route.tcp.TcpFixtures.connect;
import static io.gophermesh.route.tcp.TcpFixtures.context;
import static io.gophermesh.route.tcp.TcpFixtures.readLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.LoadBalance;
import io.gophermesh.route.RouteContext;
import io.gophermesh.route.RouteMetrics;
import io.gophermesh.testing.Await;
import io.gophermesh.testing.Ports;
import io.gophermesh.testing.ProcessLeaks;
import io.gophermesh.testing.Workers;

/** Bytes through a tcp route: echo, bulk, half-close both ways, resets. */
@Timeout(60)
class TcpRoutePipeTest {
    private TcpRoute route;

    @AfterEach
    void tearDown() {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private TcpRoute start(RouteContext context) throws IOException {
        route = new TcpRoute(context);
        route.start();
        return route;
    }

    @Test
    void echoesAndCountsBytesAndConnections() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, echo.port())).context();
            try (Socket client = connect(port)) {
                assertEchoes(client, "hello");
                assertEchoes(client, "world");
                assertEquals(1, ctx.backends().getFirst().inFlight());
            }
            Await.until(WAIT, "connection accounted", () -> ctx.metrics().snapshot().inFlight() == 0);
            var snap = ctx.metrics().snapshot();
            assertEquals(1, snap.requests());
            assertEquals(0, snap.errors());
            assertEquals(12, snap.bytesIn());
            assertEquals(12, snap.bytesOut());
            assertEquals(0, ctx.backends().getFirst().inFlight());
            assertEquals(1, ctx.backends().getFirst().served());
        }
    }

    @Test
    void largeTransferIsByteExact() throws Exception {
        long size = 64L << 20;
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, echo.port())).context();
            try (Socket client = connect(port)) {
                CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(client, size, 42));
                MessageDigest received = sha256();
                InputStream in = client.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    received.update(buf, 0, n);
                    total += n;
                }
                assertEquals(size, total);
                assertArrayEquals(sent.get(30, TimeUnit.SECONDS), received.digest());
            }
            Await.until(WAIT, "bytes accounted", () -> ctx.metrics().snapshot().bytesOut() == size);
            assertEquals(size, ctx.metrics().snapshot().bytesIn());
        }
    }

    @Test
    void largeTransferWithAnIdleTimeoutIsByteExact() throws Exception {
        // with an idle timeout both directions run on threads of their own while the connection watches
        long size = 16L << 20;
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            var options = new TcpFixtures.Options(LoadBalance.ROUND_ROBIN, null, Duration.ofSeconds(30), null);
            RouteContext ctx = start(context(port, options, new RouteMetrics(), echo.port())).context();
            try (Socket client = connect(port)) {
                CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(client, size, 11));
                byte[] received = digestToEnd(client.getInputStream(), size);
                assertArrayEquals(sent.get(30, TimeUnit.SECONDS), received);
            }
            Await.until(WAIT, "bytes accounted", () -> ctx.metrics().snapshot().bytesOut() == size);
            assertEquals(size, ctx.metrics().snapshot().bytesIn());
        }
    }

    @Test
    void backendBulkFirstArrivesWholeAndTheClientCanStillSend() throws Exception {
        // the backend speaks first and at length: its direction starts small and must switch buffers mid-stream
        long size = 8L << 20;
        CompletableFuture<byte[]> served = new CompletableFuture<>();
        CompletableFuture<Long> heard = new CompletableFuture<>();
        try (LoopbackServer talker = new LoopbackServer("talker", (s, srv) -> {
            served.complete(send(s, size, 5));
            heard.complete(LoopbackServer.drain(s.getInputStream()));
        })) {
            int port = Ports.free();
            start(context(port, LoadBalance.ROUND_ROBIN, talker.port()));
            try (Socket client = connect(port)) {
                byte[] received = digestToEnd(client.getInputStream(), size);
                assertArrayEquals(served.get(30, TimeUnit.SECONDS), received);
                client.getOutputStream().write(new byte[70_000]);
                client.shutdownOutput();
                assertEquals(70_000L, heard.get(30, TimeUnit.SECONDS));
            }
            Await.until(WAIT, "connection ended", () -> route.openConnections() == 0);
        }
    }

    @Test
    void clientHalfCloseStillGetsTheWholeReply() throws Exception {
        Process worker = new ProcessBuilder(Workers.command("tcp/digest_after_eof.py"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("PORT "), "worker said " + ready);
            int backendPort = Integer.parseInt(ready.substring(5).trim());
            int port = Ports.free();
            start(context(port, LoadBalance.ROUND_ROBIN, backendPort));
            long size = 3L << 20;
            try (Socket client = connect(port)) {
                byte[] digest = send(client, size, 7);
                // the backend replies only after it saw our end of stream, and the reply must arrive
                assertEquals(size + " " + HexFormat.of().formatHex(digest), readLine(client));
                assertEquals(-1, client.getInputStream().read());
            }
        } finally {
            worker.destroy();
            assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "worker did not exit");
        }
    }

    @Test
    void backendHalfCloseLetsTheClientKeepSending() throws Exception {
        try (LoopbackServer greeter = LoopbackServer.greetThenCount("greeter")) {
            int port = Ports.free();
            start(context(port, LoadBalance.ROUND_ROBIN, greeter.port()));
            try (Socket client = connect(port)) {
                // the backend's end of stream reaches the client while its own side stays open
                assertEquals("hello", LoopbackServer.readAll(client.getInputStream()));
                client.getOutputStream().write(new byte[100_000]);
                client.shutdownOutput();
                Await.until(WAIT, "backend counted the bytes", () -> greeter.received().equals(List.of(100_000L)));
            }
            Await.until(WAIT, "connection ended", () -> route.openConnections() == 0);
        }
    }

    @Test
    void clientResetClosesTheBackendSide() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo("echo")) {
            int port = Ports.free();
            RouteContext ctx = start(context(port, LoadBalance.ROUND_ROBIN, echo.port())).context();
            Socket client = connect(port);
            assertEchoes(client, "ping");
            assertEquals(1, echo.open());
            client.setSoLinger(true, 0);
            client.close();
            Await.until(WAIT, "backend connection closed", () -> echo.open() == 0);
            Await.until(WAIT, "route connection ended", () -> route.openConnections() == 0);
            assertEquals(0, ctx.backends().getFirst().inFlight());
            assertEquals(1, ctx.metrics().snapshot().errors());
        }
    }

    @Test
    void backendDisappearingClosesTheClient() throws Exception {
        LoopbackServer echo = LoopbackServer.echo("echo");
        int port = Ports.free();
        start(context(port, LoadBalance.ROUND_ROBIN, echo.port()));
        try (Socket client = connect(port)) {
            assertEchoes(client, "ping");
            echo.close();
            assertClosedByPeer(client);
        }
        Await.until(WAIT, "route connection ended", () -> route.openConnections() == 0);
    }

    /** Reads to the end of stream and returns the SHA-256 of what came, after checking its length. */
    private static byte[] digestToEnd(InputStream in, long size) throws IOException {
        MessageDigest received = sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            received.update(buf, 0, n);
            total += n;
        }
        assertEquals(size, total);
        return received.digest();
    }

    /** Writes {@code size} pseudo-random bytes, ends the sending side, and returns their SHA-256. */
    private static byte[] send(Socket client, long size, long seed) {
        try {
            MessageDigest digest = sha256();
            Random random = new Random(seed);
            byte[] chunk = new byte[40_000];
            OutputStream out = client.getOutputStream();
            for (long left = size; left > 0; ) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
                left -= n;
            }
            client.shutdownOutput();
            return digest.digest();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
