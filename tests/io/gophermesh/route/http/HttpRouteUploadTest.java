package io.gophermesh.route.http;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

import io.gophermesh.testing.ProcessLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A body far larger than any buffer the proxy could reasonably hold must stream through it. */
@Timeout(60)
class HttpRouteUploadTest {
    private static final long GIB = 1L << 30;

    private TestBackend backend;
    private HttpRoute route;

    @AfterEach
    void tearDown() throws Exception {
        if (route != null) {
            route.close(Duration.ZERO);
        }
        if (backend != null) {
            backend.close();
        }
        assertEquals(List.of(), ProcessLeaks.descendants());
    }

    @Test
    void streamsAOneGibUploadAndCountsIt() throws Exception {
        backend = new TestBackend((req, in, out) -> {
            TestBackend.respond(out, 200, "received " + req.bodyLength());
            return true;
        }, TestBackend.BodyMode.COUNT);
        route = Routes.spec().backend("sink", backend.port()).start();
        long heapBefore = usedHeap();

        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        try (RawHttp c = new RawHttp(route.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + GIB + "\r\nConnection: close\r\n\r\n");
            OutputStream out = c.out();
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(block);
            }
            out.flush();
            RawHttp.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("received " + GIB, r.text());
        }
        // the build runs this class in its own JVM with -Xmx64m (pom.xml, execution small-heap)
        assertEquals(GIB, route.context().metrics().snapshot().bytesIn());
        // nothing close to the body may stay reachable: the heap grows by far less than the upload
        long grown = usedHeap() - heapBefore;
        assertTrue(grown < GIB / 4, "heap grew by " + grown + " bytes");
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
