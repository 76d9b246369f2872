package io.gophermesh.route.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies around the proxy's buffer sizes: a body that fits one body buffer is sent in one write, a
 * larger one is streamed, and a request body is read from the client in growing pieces. Every size
 * must arrive byte for byte, and a slow body must still be relayed as it comes.
 */
@Timeout(60)
class HttpRouteBodySizesTest {
    private static final int COPY = BackendConnection.COPY_BUFFER;
    private static final int[] SIZES = {
        1, COPY - 1, COPY, COPY + 1, 3 * COPY + 17,
        ClientConnection.FIRST_READ, ClientConnection.BULK_READ + 1, 2 * ClientConnection.BULK_READ + 333,
    };

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HttpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    private TestBackend backend(TestBackend.Handler h) throws IOException {
        return backend(h, TestBackend.BodyMode.KEEP);
    }

    private TestBackend backend(TestBackend.Handler h, TestBackend.BodyMode mode) throws IOException {
        TestBackend b = new TestBackend(h, mode);
        closeables.add(b);
        return b;
    }

    @Test
    void responsesOfEverySizeArriveWholeWithContentLength() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            byte[] body = bytes(Integer.parseInt(req.target().substring(1)));
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return true;
        });
        route = Routes.spec().backend("a", b.port()).start();

        try (RawHttp c = new RawHttp(route.port())) {
            for (int size : SIZES) {
                RawHttp.Response r = c.send("GET /" + size + " HTTP/1.1\r\nHost: h\r\n\r\n").read(false);
                assertEquals(200, r.status());
                assertEquals(String.valueOf(size), r.header("Content-Length"));
                assertEquals(sha256(bytes(size)), sha256(r.body()), "body of " + size + " bytes");
            }
        }
        assertEquals(1, b.connections(), "one pooled backend connection carried every size");
    }

    @Test
    void chunkedResponsesOfEverySizeArriveWhole() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            byte[] body = bytes(Integer.parseInt(req.target().substring(1)));
            ByteArrayOutputStream framed = new ByteArrayOutputStream();
            framed.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // uneven chunks, so chunk boundaries fall anywhere inside the proxy's buffer
            for (int off = 0, piece = 1000; off < body.length; off += piece, piece = piece * 3 + 7) {
                int n = Math.min(piece, body.length - off);
                framed.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                framed.write(body, off, n);
                framed.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            framed.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            framed.writeTo(out);
            out.flush();
            return true;
        });
        route = Routes.spec().backend("a", b.port()).start();

        try (RawHttp c = new RawHttp(route.port())) {
            for (int size : SIZES) {
                RawHttp.Response r = c.send("GET /" + size + " HTTP/1.1\r\nHost: h\r\n\r\n").read(false);
                assertEquals(200, r.status());
                assertEquals(sha256(bytes(size)), sha256(r.body()), "body of " + size + " bytes");
            }
        }
        assertEquals(1, b.connections());
    }

    @Test
    void uploadsOfEverySizeArriveWhole() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, sha256(req.body()));
            return true;
        });
        route = Routes.spec().backend("a", b.port()).start();

        try (RawHttp c = new RawHttp(route.port())) {
            for (int size : SIZES) {
                byte[] body = bytes(size);
                c.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: " + size + "\r\n\r\n");
                c.out().write(body);
                c.out().flush();
                RawHttp.Response r = c.read(false);
                assertEquals(200, r.status());
                assertEquals(sha256(body), r.text(), "upload of " + size + " bytes");

                c.send("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(size) + "\r\n");
                c.out().write(body);
                c.send("\r\n0\r\n\r\n");
                r = c.read(false);
                assertEquals(200, r.status());
                assertEquals(sha256(body), r.text(), "chunked upload of " + size + " bytes");
            }
        }
    }

    @Test
    void aFixedLengthBodyIsRelayedAsItArrives() throws Exception {
        assertRelayedBeforeTheRest("Content-Length: " + (COPY + 2 + 5), false);
    }

    @Test
    void aLargeChunkedBodyIsRelayedAsItArrives() throws Exception {
        assertRelayedBeforeTheRest("Transfer-Encoding: chunked", true);
    }

    /**
     * The backend sends one buffer's worth plus a little, then waits until the client has all of
     * it before sending the rest: nothing that arrived may be held back for more.
     */
    private void assertRelayedBeforeTheRest(String framing, boolean chunked) throws Exception {
        byte[] first = bytes(COPY + 2);
        CountDownLatch clientSawFirst = new CountDownLatch(1);
        AtomicBoolean releasedInTime = new AtomicBoolean();
        TestBackend b = backend((req, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                out.write((Integer.toHexString(first.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(first);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            try {
                releasedInTime.set(clientSawFirst.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write((chunked ? "5\r\nlast.\r\n0\r\n\r\n" : "last.").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        route = Routes.spec().backend("a", b.port()).start();

        try (RawHttp c = new RawHttp(route.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
            RawHttp.Response head = c.readHead();
            assertEquals(200, head.status());
            boolean chunkedOut = head.header("Transfer-Encoding") != null;
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (seen.size() < first.length) {
                if (chunkedOut) {
                    int size = Integer.parseInt(TestBackend.readLine(c.in()).trim(), 16);
                    seen.write(c.in().readNBytes(size));
                    TestBackend.readLine(c.in());
                } else {
                    seen.write(c.in().readNBytes(first.length - seen.size()));
                }
            }
            clientSawFirst.countDown();
            assertEquals(sha256(first), sha256(seen.toByteArray()));
            if (chunkedOut) {
                assertEquals("5", TestBackend.readLine(c.in()).trim());
            }
            assertEquals("last.", new String(c.in().readNBytes(5), StandardCharsets.ISO_8859_1));
        }
        assertTrue(releasedInTime.get(), "the first part only arrived after the backend sent the rest");
    }

    @Test
    void aFixedLengthRequestBodyIsRelayedAsItArrives() throws Exception {
        assertRequestRelayedBeforeTheRest(false);
    }

    @Test
    void aChunkedRequestBodyIsRelayedAsItArrives() throws Exception {
        assertRequestRelayedBeforeTheRest(true);
    }

    /**
     * The client sends a small first piece of its body and waits until the backend has it before
     * sending the rest: a piece may not wait in the route for the next one (a streamed upload, a
     * client that talks to its backend through one long request).
     */
    private void assertRequestRelayedBeforeTheRest(boolean chunked) throws Exception {
        byte[] first = "first piece;".getBytes(StandardCharsets.ISO_8859_1);
        byte[] rest = "and the rest".getBytes(StandardCharsets.ISO_8859_1);
        CountDownLatch backendSawFirst = new CountDownLatch(1);
        TestBackend b = backend((req, in, out) -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    int size = Integer.parseInt(TestBackend.readLine(in).trim(), 16);
                    byte[] data = in.readNBytes(size);
                    TestBackend.readLine(in);
                    if (size == 0) {
                        break;
                    }
                    got.write(data);
                    if (got.size() >= first.length) {
                        backendSawFirst.countDown();
                    }
                }
            } else {
                got.write(in.readNBytes(first.length));
                backendSawFirst.countDown();
                got.write(in.readNBytes(rest.length));
            }
            TestBackend.respond(out, 200, got.toString(StandardCharsets.ISO_8859_1));
            return true;
        }, TestBackend.BodyMode.LEAVE);
        route = Routes.spec().backend("a", b.port()).start();

        try (RawHttp c = new RawHttp(route.port())) {
            String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + (first.length + rest.length);
            c.send("POST /stream HTTP/1.1\r\nHost: h\r\n" + framing + "\r\n\r\n");
            if (chunked) {
                c.send(Integer.toHexString(first.length) + "\r\n" + new String(first, StandardCharsets.ISO_8859_1) + "\r\n");
            } else {
                c.out().write(first);
                c.out().flush();
            }
            assertTrue(backendSawFirst.await(10, TimeUnit.SECONDS),
                    "the first piece of the body only reaches the backend with the rest");
            if (chunked) {
                c.send(Integer.toHexString(rest.length) + "\r\n" + new String(rest, StandardCharsets.ISO_8859_1)
                        + "\r\n0\r\n\r\n");
            } else {
                c.out().write(rest);
                c.out().flush();
            }
            RawHttp.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("first piece;and the rest", r.text());
        }
    }

    @Test
    void aLargeUploadStreamedInPiecesArrivesWhole() throws Exception {
        TestBackend b = backend((req, in, out) -> {
            TestBackend.respond(out, 200, sha256(req.body()));
            return true;
        });
        route = Routes.spec().backend("a", b.port()).start();
        byte[] body = bytes(8 * ClientConnection.BULK_READ + 5);

        try (RawHttp c = new RawHttp(route.port())) {
            c.send("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n");
            OutputStream out = c.out();
            // small writes first (the read buffer stays small), then large ones (it grows)
            int off = 0;
            for (int piece = 100; off < body.length; off += piece, piece = Math.min(piece * 2, 300_000)) {
                out.write(body, off, Math.min(piece, body.length - off));
                out.flush();
            }
            RawHttp.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals(sha256(body), r.text());
        }
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
