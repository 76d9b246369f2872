package io.gophermesh.balance;

import java.nio.charset.StandardCharsets;
import java.util.function.IntUnaryOperator;

/**
 * 32-bit FNV-1a of the client IP text picks the first backend, so a client stays pinned to it;
 * the rest follow in config order for failover. The hash input is the UTF-8 bytes of the address
 * text without port, as in the Go implementation, so both map a client to the same index.
 */
final class IpHash implements Balancer {
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    // what Go hashes when the remote address is empty
    private static final String NO_ADDRESS = "127.0.0.1";

    @Override
    public int[] order(int count, String clientIp, IntUnaryOperator inFlight) {
        String key = clientIp == null || clientIp.isBlank() ? NO_ADDRESS : clientIp;
        return RoundRobin.rotated(count, Integer.remainderUnsigned(fnv1a(key), count));
    }

    static int fnv1a(String text) {
        int hash = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // not an IP literal; hash its UTF-8 bytes (rare, so allocating here is fine)
                return fnv1a(text.getBytes(StandardCharsets.UTF_8));
            }
            hash = (hash ^ c) * FNV_PRIME;
        }
        return hash;
    }

    private static int fnv1a(byte[] bytes) {
        int hash = FNV_OFFSET;
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return hash;
    }
}
