package io.gophermesh.route;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.process.ColdStartException;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.process.ManagedProcess;

/**
 * Runtime state of one backend of a route: its config, its log, its managed process (if any) and
 * its traffic counters. Shared by the route that balances over it and by the engine that reports it.
 */
public final class Backend {
    private final String ref;
    private final String label;
    private final BackendConfig config;
    private final LogBuffer log;
    private final ManagedProcess process;
    private final InetSocketAddress address;
    private final Path workDir;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder served = new LongAdder();

    /**
     * Creates a backend whose programs run in the mesh's working directory.
     *
     * @param ref     {@code PORT:INDEX}
     * @param label   how logs and errors name it, e.g. {@code route 18081 backend api-a}
     * @param config  its config
     * @param log     its log ring
     * @param process its managed process, {@code null} for pure proxies, internal and stdio backends
     */
    public Backend(String ref, String label, BackendConfig config, LogBuffer log, ManagedProcess process) {
        this(ref, label, config, log, process, null);
    }

    /**
     * Creates a backend whose programs run in {@code workDir}.
     *
     * @param ref     {@code PORT:INDEX}
     * @param label   how logs and errors name it, e.g. {@code route 18081 backend api-a}
     * @param config  its config
     * @param log     its log ring
     * @param process its managed process, {@code null} for pure proxies, internal and stdio backends
     * @param workDir folder its programs run in, {@code null} for the mesh's working directory
     */
    public Backend(String ref, String label, BackendConfig config, LogBuffer log, ManagedProcess process,
                   Path workDir) {
        this.workDir = workDir;
        this.ref = ref;
        this.label = label;
        this.config = config;
        this.log = log;
        this.process = process;
        this.address = config.internalPort() == null || config.internalPort().isEmpty()
                ? null
                : InetSocketAddress.createUnresolved(config.internalHost(), config.port());
    }

    /** {@return {@code PORT:INDEX}} */
    public String ref() {
        return ref;
    }

    /** {@return e.g. {@code route 18081 backend api-a}} */
    public String label() {
        return label;
    }

    /** {@return its config} */
    public BackendConfig config() {
        return config;
    }

    /** {@return its log ring} */
    public LogBuffer log() {
        return log;
    }

    /** {@return its managed process, {@code null} when the mesh does not start it} */
    public ManagedProcess process() {
        return process;
    }

    /** {@return folder its programs run in, {@code null} for the mesh's working directory} */
    public Path workDir() {
        return workDir;
    }

    /** {@return host and port to connect to (unresolved), {@code null} for stdio backends} */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Starts the managed process if it is not accepting connections; a no-op for pure proxies.
     *
     * @return the connection with which the start found the backend ready, for the first request
     *         that waited for it (see {@link ManagedProcess#ensureReadyConnected()}); {@code null}
     *         otherwise, and the caller connects
     * @throws ColdStartException when it cannot be made ready
     * @throws InterruptedException when interrupted while waiting
     */
    public SocketChannel ensureReady() throws ColdStartException, InterruptedException {
        return process == null ? null : process.ensureReadyConnected();
    }

    /** Counts an exchange that starts now; pair with {@link #end()}. */
    public void begin() {
        inFlight.incrementAndGet();
        if (process != null) {
            process.exchangeStarted();
        }
    }

    /** Counts the end of an exchange begun with {@link #begin()}. */
    public void end() {
        inFlight.decrementAndGet();
        served.increment();
        if (process != null) {
            process.exchangeEnded();
        }
    }

    /** {@return exchanges in progress} */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@return exchanges finished} */
    public long served() {
        return served.sum();
    }
}
