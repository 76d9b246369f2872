package io.gophermesh.route.http;

import java.util.NoSuchElementException;

import io.helidon.http.Headers;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.encoding.ContentEncodingContextConfig;

/**
 * Content codings pass through untouched: request bodies reach the backend as the client encoded
 * them, responses reach the client as the backend encoded them. Declaring every coding "decodable"
 * with a no-op decoder keeps the web server from rejecting encoded request bodies.
 */
final class IdentityEncoding implements ContentEncodingContext {
    private final ContentEncodingContextConfig config = ContentEncodingContextConfig.create();

    @Override
    public boolean contentEncodingEnabled() {
        return false;
    }

    @Override
    public boolean contentDecodingEnabled() {
        return true;
    }

    @Override
    public boolean contentEncodingSupported(String encodingId) {
        return false;
    }

    @Override
    public boolean contentDecodingSupported(String encodingId) {
        return true;
    }

    @Override
    public ContentEncoder encoder(String encodingId) throws NoSuchElementException {
        return ContentEncoder.NO_OP;
    }

    @Override
    public ContentDecoder decoder(String encodingId) throws NoSuchElementException {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder(Headers headers) {
        return ContentEncoder.NO_OP;
    }

    @Override
    public ContentEncodingContextConfig prototype() {
        return config;
    }
}
