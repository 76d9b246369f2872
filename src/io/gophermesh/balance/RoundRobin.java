package io.gophermesh.balance;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

/** Each pick starts one backend further than the last; the rest follow in config order. */
final class RoundRobin implements Balancer {
    // long, like Go's uint64 counter: an int would wrap after 2^31 picks and skip part of a turn
    private final AtomicLong counter;

    RoundRobin() {
        this(0);
    }

    /** @param firstTurn value of the turn counter at the first pick */
    RoundRobin(long firstTurn) {
        counter = new AtomicLong(firstTurn);
    }

    @Override
    public int[] order(int count, String clientIp, IntUnaryOperator inFlight) {
        return rotated(count, next(count));
    }

    /** {@return the starting index of the next turn; the first turn starts at 0} */
    int next(int count) {
        return (int) Math.floorMod(counter.getAndIncrement(), (long) count);
    }

    static int[] rotated(int count, int start) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (start + i) % count;
        }
        return order;
    }
}
