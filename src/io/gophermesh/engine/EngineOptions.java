package io.gophermesh.engine;

/**
 * How an {@link Engine} behaves besides its config.
 *
 * @param noDashboard   do not open a browser on the dashboard at start (the dashboard still runs)
 * @param healthz       content of the internal health answer
 */
public record EngineOptions(boolean noDashboard, HealthzOptions healthz) {
    /** Defaults: open the dashboard, default health payload. */
    public static final EngineOptions DEFAULT = new EngineOptions(false, HealthzOptions.DEFAULT);

    /** {@code null} health options mean the default. */
    public EngineOptions {
        healthz = healthz == null ? HealthzOptions.DEFAULT : healthz;
    }
}
