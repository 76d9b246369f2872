package io.gophermesh.route.http;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.spi.ServerConnection;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * Ends the idle-connection timer thread of a stopped web server. Helidon 4.5 starts one
 * {@code java.util.Timer} per server and never cancels it, so every listener that a reload replaced
 * would keep a platform thread, and through its periodic task the whole old route, until the mesh
 * exits. The timer asks each connection the listener tracks for its idle time; a stand-in
 * connection placed there after the stop ends the timer thread from inside, without a trace.
 */
final class IdleTimerReaper {
    private static final System.Logger LOG = System.getLogger(HttpRoute.class.getName());
    /** The name Helidon gives the timer thread while its idle task runs. */
    private static final String TASK_THREAD = "idle-timeout-handler-";

    private IdleTimerReaper() {
    }

    /**
     * @param server a web server that has stopped; best effort, a newer Helidon without the
     *               fields used here is left alone
     */
    @SuppressWarnings("unchecked")
    static void reap(WebServer server) {
        try {
            Field listeners = server.getClass().getDeclaredField("listeners");
            listeners.setAccessible(true);
            for (Object listener : ((Map<?, ?>) listeners.get(server)).values()) {
                Field active = listener.getClass().getDeclaredField("activeConnections");
                active.setAccessible(true);
                ((Map<String, ServerConnection>) active.get(listener)).put("mesh-idle-timer-reaper", new Stopper());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(DEBUG, "cannot end the idle timer of a stopped web server: " + e);
        }
    }

    /** A connection that is never served; asked for its idle time by the timer, it ends the timer's thread. */
    private static final class Stopper implements ServerConnection {
        @Override
        public void handle(Limit limit) {
        }

        @Override
        public Duration idleTime() {
            Thread current = Thread.currentThread();
            if (!current.getName().startsWith(TASK_THREAD)) {
                return Duration.ZERO;
            }
            current.setUncaughtExceptionHandler((thread, e) -> { });
            throw new Stop();
        }

        @Override
        public void close(boolean interrupt) {
        }
    }

    /** Thrown out of the timer task: a {@code java.util.Timer} thread ends on an uncaught exception. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("idle timer of a stopped web server", null, false, false);
        }
    }
}
