package io.gophermesh.route.http;

import java.net.ProtocolException;

/** Chunked transfer coding (RFC 9112 7.1) as read from a backend: sizes and a look-ahead over buffered framing. */
final class Chunks {
    private Chunks() {
    }

    /**
     * Whether the buffered bytes hold the framing up to the next chunk's first data byte, or the
     * whole last chunk with its trailer section, so that reading on cannot wait for the backend.
     *
     * @param buf          read buffer
     * @param pos          first unread byte
     * @param lim          end of the buffered bytes
     * @param afterChunk   whether a chunk's data was read, so its CRLF comes first
     * @return whether the next chunk can be started from the buffer alone
     */
    static boolean headerComplete(byte[] buf, int pos, int lim, boolean afterChunk) {
        int line = pos;
        if (afterChunk) {
            line = lineEnd(buf, line, lim);
            if (line < 0) {
                return false;
            }
        }
        int end = lineEnd(buf, line, lim);
        if (end < 0) {
            return false;
        }
        if (!zeroSize(buf, line, end)) {
            return end < lim;
        }
        while (true) {
            int next = lineEnd(buf, end, lim);
            if (next < 0) {
                return false;
            }
            if (next - end <= 2) {
                // the empty line that ends the trailer section
                return true;
            }
            end = next;
        }
    }

    /**
     * @param line a chunk size line without CRLF, possibly with extensions
     * @return the size
     * @throws ProtocolException when the size is not hexadecimal or absurdly long
     */
    static long parseSize(String line) throws ProtocolException {
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).trim();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new ProtocolException("invalid chunk size");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new ProtocolException("invalid chunk size");
            }
            size = size * 16 + d;
        }
        return size;
    }

    /** {@return the index after the next LF in {@code buf[from, lim)}, -1 when none} */
    private static int lineEnd(byte[] buf, int from, int lim) {
        for (int i = from; i < lim; i++) {
            if (buf[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** {@return whether the size line in {@code buf[from, end)} has a size of zero} */
    private static boolean zeroSize(byte[] buf, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = buf[i];
            if (b == ';' || b == '\r' || b == '\n' || b == ' ' || b == '\t') {
                break;
            }
            if (b != '0') {
                return false;
            }
        }
        return true;
    }
}
