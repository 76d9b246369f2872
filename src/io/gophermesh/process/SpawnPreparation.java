package io.gophermesh.process;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.Config;
import io.gophermesh.config.RouteConfig;

/**
 * Readies the machinery that starts children before the first child is needed. The first start
 * in a JVM links the native calls behind {@link Spawner} (the JDK generates and loads a class per
 * call, still interpreted at that point): about 100 ms on a 2-core machine, which the first stdio
 * connection or the first cold start after the mesh started would otherwise wait for. Done on a
 * daemon thread of its own, once the routes listen, and only when the config can start a child.
 */
public final class SpawnPreparation {
    private SpawnPreparation() {
    }

    /**
     * Starts preparing in the background when {@code config} has a backend the mesh may start and
     * {@code before} had none (the preparation was then done for it); does nothing otherwise.
     *
     * @param config the config now in force
     * @param before the config it replaced, {@code null} at start
     * @return whether a preparation was started
     */
    public static boolean startFor(Config config, Config before) {
        if (!spawnsChildren(config) || (before != null && spawnsChildren(before))) {
            return false;
        }
        // a platform thread: a virtual one would hold its carrier through the class initialisation
        Thread.ofPlatform().daemon().name("mesh-spawn-preparation").start(Spawner::prepare);
        return true;
    }

    /** {@return whether a backend of {@code config} has a command: every stdio one, and managed ones} */
    static boolean spawnsChildren(Config config) {
        for (RouteConfig route : config.routes().values()) {
            for (BackendConfig backend : route.backends()) {
                if (backend.isManaged()) {
                    return true;
                }
            }
        }
        return false;
    }
}
