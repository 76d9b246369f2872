package io.gophermesh.engine;

/**
 * How an {@link Engine} behaves besides its config.
 *
 * @param noDashboard    do not open a browser on the dashboard at start (the dashboard still runs)
 * @param healthz        content of the internal health answer; {@code null} for the default
 * @param serveDashboard serve the dashboard on {@code dashboard_host:dashboard_port}; {@code false}
 *                       when an application mounts {@code MeshFeature} on its own server instead
 *                       (the engine then always runs as {@link Role#MASTER})
 */
public record EngineOptions(boolean noDashboard, HealthzOptions healthz, boolean serveDashboard) {
    /** Defaults: open the dashboard, default health payload, serve the dashboard. */
    public static final EngineOptions DEFAULT = new EngineOptions(false, HealthzOptions.DEFAULT, true);

    /** {@code null} health options mean the default. */
    public EngineOptions {
        healthz = healthz == null ? HealthzOptions.DEFAULT : healthz;
    }

    /**
     * Options that serve the dashboard.
     *
     * @param noDashboard do not open a browser on the dashboard at start
     * @param healthz     content of the internal health answer; {@code null} for the default
     */
    public EngineOptions(boolean noDashboard, HealthzOptions healthz) {
        this(noDashboard, healthz, true);
    }
}
