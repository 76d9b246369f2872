package io.gophermesh.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/** Each pick starts one backend further than the last; the rest follow in config order. */
final class RoundRobin implements Balancer {
    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public int[] order(int count, String clientIp, IntUnaryOperator inFlight) {
        return rotated(count, Math.floorMod(counter.getAndIncrement(), count));
    }

    static int[] rotated(int count, int start) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (start + i) % count;
        }
        return order;
    }
}
