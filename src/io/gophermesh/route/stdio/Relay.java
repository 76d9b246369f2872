package io.gophermesh.route.stdio;

import java.io.IOException;
import java.io.InputStream;

/** Reading a child's stdout, where a stream closed under the reader means the child was killed. */
final class Relay {
    private Relay() {
    }

    /**
     * @param stdout a child's stdout
     * @param buf    buffer to fill
     * @return bytes read, at least 1, or -1 at the end of the output
     */
    static int read(InputStream stdout, byte[] buf) {
        return read(stdout, buf, buf.length);
    }

    /**
     * @param stdout a child's stdout
     * @param buf    buffer to fill from its start
     * @param max    most bytes wanted, at least 1
     * @return bytes read, at least 1, or -1 at the end of the output
     */
    static int read(InputStream stdout, byte[] buf, int max) {
        try {
            int n;
            do {
                n = stdout.read(buf, 0, Math.min(max, buf.length));
            } while (n == 0);
            return n;
        } catch (IOException e) {
            // closed by finish() or broken by a kill: either way the output has ended
            return -1;
        }
    }
}
