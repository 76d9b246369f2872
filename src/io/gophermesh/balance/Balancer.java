package io.gophermesh.balance;

import java.util.function.IntUnaryOperator;

import io.gophermesh.config.LoadBalance;

/**
 * Chooses the order in which a route tries its backends. The route fails over along that order.
 * Implementations are thread-safe and allocate only the returned array.
 */
public interface Balancer {

    /**
     * Returns the order in which to try the backends.
     *
     * @param count    number of backends, at least 1
     * @param clientIp client address as text (used by ip_hash)
     * @param inFlight in-flight exchanges of backend {@code i} (used by least_conn)
     * @return a permutation of {@code 0..count-1}, first choice first
     */
    int[] order(int count, String clientIp, IntUnaryOperator inFlight);

    /**
     * Returns a new balancer for a strategy.
     *
     * @param strategy configured strategy
     * @return a new balancer with its own state
     */
    static Balancer of(LoadBalance strategy) {
        return switch (strategy) {
            case ROUND_ROBIN -> new RoundRobin();
            case LEAST_CONN -> new LeastConn();
            case IP_HASH -> new IpHash();
        };
    }
}
