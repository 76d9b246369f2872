package io.gophermesh.balance;

import java.util.function.IntUnaryOperator;

/**
 * Fewest in-flight exchanges first. Ties keep round-robin order, so idle backends share the load
 * instead of the first one taking every request.
 */
final class LeastConn implements Balancer {
    private final RoundRobin turns = new RoundRobin();

    @Override
    public int[] order(int count, String clientIp, IntUnaryOperator inFlight) {
        int[] order = RoundRobin.rotated(count, turns.next(count));
        int[] load = new int[count];
        for (int i = 0; i < count; i++) {
            load[i] = inFlight.applyAsInt(order[i]);
        }
        // insertion sort: stable, and routes have a handful of backends
        for (int i = 1; i < count; i++) {
            int idx = order[i];
            int l = load[i];
            int j = i - 1;
            while (j >= 0 && load[j] > l) {
                order[j + 1] = order[j];
                load[j + 1] = load[j];
                j--;
            }
            order[j + 1] = idx;
            load[j + 1] = l;
        }
        return order;
    }
}
