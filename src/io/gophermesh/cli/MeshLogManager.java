package io.gophermesh.cli;

import java.util.logging.LogManager;

/**
 * The JDK closes every log handler in a shutdown hook of its own, which races the mesh's shutdown
 * hook: the lines saying which processes were stopped would be lost. This manager keeps the
 * handlers open until the JVM is gone.
 */
public final class MeshLogManager extends LogManager {
    /** Created by the JDK when {@code java.util.logging.manager} names this class. */
    public MeshLogManager() {
    }

    @Override
    public void reset() {
        // handlers stay open: console output is flushed per record and closes with the process
    }
}
