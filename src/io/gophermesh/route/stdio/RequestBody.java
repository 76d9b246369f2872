package io.gophermesh.route.stdio;

import java.io.EOFException;
import java.io.IOException;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.Http1HeadersParser;

/**
 * The body of one request, read from the client as far as its framing says: {@code Content-Length}
 * bytes, or chunks until the last one (trailers are read and dropped). Hands out the decoded bytes.
 */
final class RequestBody {
    private static final int PIECE = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_TRAILERS = 8192;

    private final DataReader reader;
    private final boolean chunked;
    private final long limit;
    private long remaining;
    private long total;
    private boolean inChunk;
    private volatile boolean done;

    /**
     * @param reader client data, positioned after the head
     * @param head   the request's head
     * @param limit  most body bytes accepted, {@code null} for no limit
     */
    RequestBody(DataReader reader, RequestHead head, Long limit) {
        this.reader = reader;
        this.chunked = head.chunked();
        this.limit = limit == null ? Long.MAX_VALUE : limit;
        this.remaining = chunked ? 0 : Math.max(0, head.contentLength());
        this.done = !head.hasBody();
    }

    /** {@return whether the whole body has been read} */
    boolean done() {
        return done;
    }

    /**
     * @return the next decoded bytes, {@code null} at the end of the body
     * @throws HttpProblem when the chunk framing is malformed (400) or the body too large (413)
     * @throws IOException when the client closes before the end of the body
     */
    byte[] next() throws HttpProblem, IOException {
        if (done) {
            return null;
        }
        try {
            if (chunked && remaining == 0) {
                if (inChunk) {
                    if (!reader.startsWithNewLine()) {
                        throw new HttpProblem(400, "malformed chunked body");
                    }
                    reader.skip(2);
                    inChunk = false;
                }
                long size = chunkSize();
                if (size == 0) {
                    Http1HeadersParser.readHeaders(reader, MAX_TRAILERS, false);
                    done = true;
                    return null;
                }
                remaining = size;
                inChunk = true;
            }
            reader.ensureAvailable();
            int n = (int) Math.min(Math.min(remaining, reader.available()), PIECE);
            byte[] piece = reader.readBytes(n);
            remaining -= n;
            total += n;
            if (total > limit) {
                throw new HttpProblem(413, "request body larger than " + limit + " bytes");
            }
            if (!chunked && remaining == 0) {
                done = true;
            }
            return piece;
        } catch (DataReader.InsufficientDataAvailableException | ClientReader.Timeout e) {
            throw new EOFException("client closed before the end of the request body");
        } catch (RuntimeException e) {
            throw new HttpProblem(400, "malformed chunked body");
        }
    }

    private long chunkSize() throws HttpProblem {
        int eol = reader.findNewLine(MAX_CHUNK_LINE);
        if (eol >= MAX_CHUNK_LINE) {
            throw new HttpProblem(400, "chunk size line too long");
        }
        String line = reader.readAsciiString(eol);
        reader.skip(2);
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new HttpProblem(400, "malformed chunk size");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new HttpProblem(400, "malformed chunk size");
            }
            size = size * 16 + d;
        }
        return size;
    }
}
