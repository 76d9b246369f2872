package io.gophermesh.dashboard;

import java.io.IOException;

import io.gophermesh.engine.MeshControl;

/** The dashboard server: UI from {@code dashboard-static/} and the admin API, on its own port. */
public final class Dashboard implements AutoCloseable {

    /**
     * Binds the dashboard.
     *
     * @param mesh what it shows and steers
     * @param host bind address
     * @param port bind port (0: any free port)
     * @return the running dashboard
     * @throws IOException when the port cannot be bound
     */
    public static Dashboard start(MeshControl mesh, String host, int port) throws IOException {
        throw new UnsupportedOperationException("todo");
    }

    /** @return the bound port */
    public int port() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("todo");
    }
}
