package io.gophermesh.balance;

import java.util.function.IntUnaryOperator;

/** 32-bit FNV-1a of the client IP picks the first backend, so a client stays pinned to it. */
final class IpHash implements Balancer {
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    @Override
    public int[] order(int count, String clientIp, IntUnaryOperator inFlight) {
        return RoundRobin.rotated(count, Integer.remainderUnsigned(fnv1a(clientIp), count));
    }

    static int fnv1a(String text) {
        int hash = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // IP addresses are ASCII; hash the UTF-8 bytes of anything else
            if (c < 0x80) {
                hash = (hash ^ c) * FNV_PRIME;
            } else {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    hash = (hash ^ (b & 0xff)) * FNV_PRIME;
                }
            }
        }
        return hash;
    }
}
