package io.gophermesh.engine;

import java.time.Duration;

/** Life cycle of a mesh engine. */
public interface MeshEngine {

    /** {@return whether this instance serves (master) or found another one serving (worker)} */
    Role role();

    /**
     * Binds every route and the dashboard, then blocks until {@link #shutdown} is called.
     * A worker returns at once.
     *
     * @throws java.io.IOException when a port cannot be bound; nothing stays bound
     * @throws InterruptedException when the calling thread is interrupted
     */
    void run() throws java.io.IOException, InterruptedException;

    /**
     * Stops accepting, lets exchanges finish, stops every managed process tree and stdio child.
     *
     * @param timeout total budget; what remains after it is stopped by force
     */
    void shutdown(Duration timeout);
}
