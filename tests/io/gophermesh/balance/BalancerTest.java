package io.gophermesh.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gophermesh.config.LoadBalance;

/** The three balancing strategies: orders, rotation, ties, hashing, and thread safety. */
@Timeout(30)
class BalancerTest {
    private static final IntUnaryOperator IDLE = i -> 0;

    @Test
    void ofMapsEachStrategyToItsOwnFreshBalancer() {
        assertInstanceOf(RoundRobin.class, Balancer.of(LoadBalance.ROUND_ROBIN));
        assertInstanceOf(LeastConn.class, Balancer.of(LoadBalance.LEAST_CONN));
        assertInstanceOf(IpHash.class, Balancer.of(LoadBalance.IP_HASH));
        Balancer a = Balancer.of(LoadBalance.ROUND_ROBIN);
        a.order(3, "x", IDLE);
        // a new balancer starts its own rotation
        assertArrayEquals(new int[] {0, 1, 2}, Balancer.of(LoadBalance.ROUND_ROBIN).order(3, "x", IDLE));
    }

    @Test
    void everyStrategyReturnsAPermutation() {
        String[] ips = {"127.0.0.1", "10.0.0.7", "::1", "192.168.1.200", ""};
        for (LoadBalance strategy : LoadBalance.values()) {
            Balancer balancer = Balancer.of(strategy);
            for (int count = 1; count <= 7; count++) {
                for (int call = 0; call < 20; call++) {
                    int n = count;
                    int c = call;
                    int[] order = balancer.order(count, ips[call % ips.length], i -> (i * 7 + c) % n);
                    assertPermutation(order, count, strategy + " count " + count);
                }
            }
        }
    }

    @Test
    void roundRobinStartsAtTheFirstBackendAndMovesOnePerPick() {
        Balancer rr = Balancer.of(LoadBalance.ROUND_ROBIN);
        assertArrayEquals(new int[] {0, 1, 2}, rr.order(3, "a", IDLE));
        assertArrayEquals(new int[] {1, 2, 0}, rr.order(3, "a", IDLE));
        assertArrayEquals(new int[] {2, 0, 1}, rr.order(3, "b", IDLE));
        assertArrayEquals(new int[] {0, 1, 2}, rr.order(3, "c", IDLE));
        // the client address plays no part
        assertArrayEquals(new int[] {1, 2, 0}, rr.order(3, "c", IDLE));
    }

    @Test
    void roundRobinKeepsTurningPastTwoToThe31Picks() {
        // an int counter would wrap to a negative value here and repeat a backend
        RoundRobin rr = new RoundRobin(Integer.MAX_VALUE - 1L);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            starts.add(rr.order(3, "a", IDLE)[0]);
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2), starts);
    }

    @Test
    void leastConnPutsTheFewestInFlightFirst() {
        Balancer lc = Balancer.of(LoadBalance.LEAST_CONN);
        int[] load = {2, 0, 1};
        assertArrayEquals(new int[] {1, 2, 0}, lc.order(3, "a", i -> load[i]));
    }

    @Test
    void leastConnBreaksTiesInRoundRobinOrder() {
        Balancer lc = Balancer.of(LoadBalance.LEAST_CONN);
        // all idle: exactly the round-robin sequence
        assertArrayEquals(new int[] {0, 1, 2}, lc.order(3, "a", IDLE));
        assertArrayEquals(new int[] {1, 2, 0}, lc.order(3, "a", IDLE));
        assertArrayEquals(new int[] {2, 0, 1}, lc.order(3, "a", IDLE));
        // backend 1 busy: the idle ones alternate, starting from this pick's rotation
        int[] load = {0, 1, 0};
        assertArrayEquals(new int[] {0, 2, 1}, lc.order(3, "a", i -> load[i])); // turn starts at 0
        assertArrayEquals(new int[] {2, 0, 1}, lc.order(3, "a", i -> load[i])); // turn starts at 1
        assertArrayEquals(new int[] {2, 0, 1}, lc.order(3, "a", i -> load[i])); // turn starts at 2
        assertArrayEquals(new int[] {0, 2, 1}, lc.order(3, "a", i -> load[i])); // turn starts at 0
    }

    @Test
    void fnv1aMatchesTheReferenceValues() {
        // 32-bit FNV-1a test vectors, and the values Go's hash/fnv New32a gives for these addresses
        assertEquals(0x811c9dc5, IpHash.fnv1a(""));
        assertEquals(0xe40c292c, IpHash.fnv1a("a"));
        assertEquals(0xbf9cf968, IpHash.fnv1a("foobar"));
        assertEquals(0x08a3d11e, IpHash.fnv1a("127.0.0.1"));
        assertEquals(0x15bec48c, IpHash.fnv1a("::1"));
        assertEquals(0x3987d90a, IpHash.fnv1a("10.1.2.3"));
        // anything else is hashed as its UTF-8 bytes, including characters outside the BMP
        assertEquals(0x1e9de8c1, IpHash.fnv1a("é"));
        assertEquals(0x3b79d038, IpHash.fnv1a("\uD834\uDD1E"));
    }

    @Test
    void ipHashStartsAtTheUnsignedHashModuloCountThenConfigOrder() {
        Balancer ip = Balancer.of(LoadBalance.IP_HASH);
        // expected start = FNV-1a(ip) mod n with the hash unsigned, as Go's uint32 arithmetic gives
        assertArrayEquals(new int[] {2, 0, 1}, ip.order(3, "127.0.0.1", IDLE));
        assertArrayEquals(new int[] {0, 1, 2}, ip.order(3, "127.0.0.2", IDLE));
        assertArrayEquals(new int[] {1, 2, 0}, ip.order(3, "127.0.0.3", IDLE));
        assertArrayEquals(new int[] {4, 0, 1, 2, 3}, ip.order(5, "10.1.2.3", IDLE));
        // 0xbf9cf968 has its top bit set: signed remainder would give another index
        assertArrayEquals(new int[] {1, 2, 0}, ip.order(3, "foobar", IDLE));
        assertArrayEquals(new int[] {0}, ip.order(1, "foobar", IDLE));
    }

    @Test
    void ipHashIsStableAndIgnoresLoad() {
        Balancer ip = Balancer.of(LoadBalance.IP_HASH);
        int[] first = ip.order(4, "192.168.7.9", IDLE);
        for (int i = 0; i < 50; i++) {
            int busy = i;
            assertArrayEquals(first, ip.order(4, "192.168.7.9", b -> b == first[0] ? 100 + busy : 0));
        }
        // a missing address hashes like Go's fallback, 127.0.0.1
        assertArrayEquals(ip.order(3, "127.0.0.1", IDLE), ip.order(3, null, IDLE));
        assertArrayEquals(ip.order(3, "127.0.0.1", IDLE), ip.order(3, "", IDLE));
    }

    @Test
    void concurrentPicksShareTheRotationExactly() throws Exception {
        for (LoadBalance strategy : List.of(LoadBalance.ROUND_ROBIN, LoadBalance.LEAST_CONN)) {
            Balancer balancer = Balancer.of(strategy);
            int threads = 8;
            int perThread = 5_000;
            int count = 4;
            AtomicIntegerArray firsts = new AtomicIntegerArray(count);
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                started.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int[] order = balancer.order(count, "127.0.0.1", IDLE);
                        if (isPermutation(order, count)) {
                            firsts.incrementAndGet(order[0]);
                        }
                    }
                }));
            }
            for (Thread t : started) {
                t.join();
            }
            // every order is a permutation and each pick takes a distinct turn: starts spread exactly evenly
            for (int i = 0; i < count; i++) {
                assertEquals(threads * perThread / count, firsts.get(i), strategy + " backend " + i);
            }
        }
    }

    private static void assertPermutation(int[] order, int count, String what) {
        assertTrue(isPermutation(order, count), what + ": not a permutation of 0.." + (count - 1));
    }

    private static boolean isPermutation(int[] order, int count) {
        if (order.length != count) {
            return false;
        }
        boolean[] seen = new boolean[count];
        for (int i : order) {
            if (i < 0 || i >= count || seen[i]) {
                return false;
            }
            seen[i] = true;
        }
        return true;
    }
}
