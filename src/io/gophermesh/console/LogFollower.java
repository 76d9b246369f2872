package io.gophermesh.console;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.engine.UnknownRefException;

/** {@code logs REF -f}: prints the backend's lines, then new ones, until {@link #stop()}. */
final class LogFollower {
    private final MeshControl mesh;
    // The queue of the follow in progress; an empty Optional in it ends the follow.
    private volatile BlockingQueue<Optional<String>> current;

    LogFollower(MeshControl mesh) {
        this.mesh = mesh;
    }

    /** {@return whether a follow was running (and is now told to stop)} */
    boolean stop() {
        BlockingQueue<Optional<String>> queue = current;
        if (queue == null) {
            return false;
        }
        queue.offer(Optional.empty());
        return true;
    }

    void follow(String ref, PrintWriter out) throws UnknownRefException {
        String key = canonical(ref);
        BlockingQueue<Optional<String>> queue = new LinkedBlockingQueue<>();
        // Subscribe before reading the history so no line falls between the two.
        try (AutoCloseable subscription = mesh.subscribeLogs((source, line) -> {
            if (key.equals(source)) {
                queue.offer(Optional.of(line));
            }
        })) {
            current = queue;
            List<String> history = mesh.logs(ref);
            history.forEach(out::println);
            List<Optional<String>> early = new ArrayList<>();
            queue.drainTo(early);
            out.println("-- following " + key + "; Ctrl-C returns to the prompt --");
            if (printAfterOverlap(history, early, out)) {
                while (true) {
                    out.flush();
                    Optional<String> next = queue.take();
                    if (next.isEmpty()) {
                        break;
                    }
                    out.println(next.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UnknownRefException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("log subscription of " + key + " failed: " + e.getMessage(), e);
        } finally {
            current = null;
            out.println("-- stopped following " + key + " --");
            out.flush();
        }
    }

    /**
     * Lines that arrived between subscribing and reading the history are also its last lines:
     * skip the longest such overlap, print the rest.
     *
     * @return false when a stop was among them
     */
    private static boolean printAfterOverlap(List<String> history, List<Optional<String>> early, PrintWriter out) {
        int stopAt = early.indexOf(Optional.empty());
        List<String> lines = (stopAt < 0 ? early : early.subList(0, stopAt)).stream().map(Optional::get).toList();
        int overlap = 0;
        for (int k = Math.min(lines.size(), history.size()); k > 0; k--) {
            if (lines.subList(0, k).equals(history.subList(history.size() - k, history.size()))) {
                overlap = k;
                break;
            }
        }
        lines.subList(overlap, lines.size()).forEach(out::println);
        return stopAt < 0;
    }

    /** The engine reports lines under {@code PORT:INDEX}; a ref given as an internal port is mapped to it. */
    private String canonical(String ref) {
        for (RouteStatus route : mesh.status().values()) {
            for (BackendStatus backend : route.backends()) {
                if (backend.ref().equals(ref)) {
                    return ref;
                }
            }
        }
        for (RouteStatus route : mesh.status().values()) {
            for (BackendStatus backend : route.backends()) {
                if (ref.equals(backend.internalPort())) {
                    return backend.ref();
                }
            }
        }
        return ref;
    }
}
