package io.gophermesh.route.stdio;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.gophermesh.config.RouteConfig;
import io.gophermesh.route.Backend;
import io.gophermesh.route.RouteContext;

/**
 * Owner of one route's children: the concurrency limit, starting a child with failover over the
 * backends, and the set of children alive, which {@link #closeAll} kills.
 */
final class Supervisor {
    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());
    /** Longest wait of a connection for a free slot before it is refused. */
    static final Duration QUEUE_WAIT = Duration.ofSeconds(1);

    private final String routeLabel;
    private final Limiter limiter = new Limiter();
    private final Set<Child> live = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;

    /**
     * @param routeLabel e.g. {@code route 18081}
     */
    Supervisor(String routeLabel) {
        this.routeLabel = routeLabel;
    }

    /** {@return the concurrency limit shared with the warm pool} */
    Limiter limiter() {
        return limiter;
    }

    /**
     * Finds a child for one exchange: a warm one if the generation has any, else a new one once a
     * slot is free (waiting up to {@link #QUEUE_WAIT}).
     *
     * @param gen      generation in force
     * @param clientIp client address, for the balancer
     * @param env      variables of a new child
     * @return the child's lease; close it when the exchange is over
     * @throws NoChildException when the route is full or nothing could be started
     */
    Lease lease(Generation gen, String clientIp, Map<String, String> env) throws NoChildException {
        RouteConfig config = gen.context().config();
        if (gen.pool() != null) {
            Child warm = gen.pool().poll();
            if (warm != null) {
                return new Lease(this, warm, config.requestTimeout());
            }
        }
        int limit = config.effectiveMaxConcurrency();
        boolean slot;
        try {
            slot = accepting && limiter.acquire(limit, QUEUE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            slot = false;
        }
        if (!slot) {
            throw new NoChildException(routeLabel + ": " + (accepting
                    ? "all " + limit + " child slots busy (max_concurrency)"
                    : "route is closing"), accepting);
        }
        try {
            return new Lease(this, spawn(gen.context(), clientIp, env, ""), config.requestTimeout());
        } catch (NoChildException e) {
            limiter.release();
            throw e;
        }
    }

    /**
     * Starts a child of the first backend, in balancer order, whose command starts. The caller
     * holds a slot for it.
     *
     * @param ctx      generation's context
     * @param clientIp client address, for the balancer
     * @param env      variables of the child
     * @param how      note for the log marker
     * @return the running child, registered as live
     * @throws NoChildException when no backend's command could be started
     */
    Child spawn(RouteContext ctx, String clientIp, Map<String, String> env, String how) throws NoChildException {
        List<String> errors = new ArrayList<>();
        for (Backend backend : ctx.order(clientIp)) {
            if (!accepting) {
                break;
            }
            try {
                Child child = Child.start(backend, env, how);
                live.add(child);
                if (!accepting) {
                    // closeAll ran while this child was starting: it would escape the kill
                    child.kill("route closed");
                }
                return child;
            } catch (IOException e) {
                String why = e.getMessage();
                LOG.log(System.Logger.Level.WARNING, backend.label() + ": cannot start child: " + why);
                Child.log(backend.log(), "[mesh] cannot start " + backend.config().cmd() + ": " + why);
                errors.add(backend.config().name() + ": " + why);
            }
        }
        if (!accepting) {
            throw new NoChildException(routeLabel + ": route is closing", false);
        }
        throw new NoChildException(routeLabel + ": no backend could be started: " + String.join("; ", errors),
                false);
    }

    /**
     * Forgets an ended child and frees its slot.
     *
     * @param child a child from {@link #spawn}, ended
     */
    void retire(Child child) {
        if (live.remove(child)) {
            limiter.release();
        }
    }

    /** {@return children alive now, warm ones included} */
    int live() {
        return live.size();
    }

    /** Refuses new children from now on; children alive keep running. */
    void stopAccepting() {
        accepting = false;
    }

    /** Refuses new children and kills every child alive. */
    void closeAll() {
        accepting = false;
        for (Child child : List.copyOf(live)) {
            child.kill("route closed");
        }
    }
}
