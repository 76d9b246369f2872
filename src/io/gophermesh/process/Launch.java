package io.gophermesh.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.gophermesh.config.BackendConfig;

/**
 * What a managed backend runs and how its readiness is seen: the command line, the folder it runs
 * in, and the address whose accepting connections means it is ready.
 *
 * @param command program and arguments
 * @param workDir folder the program runs in, {@code null} for the mesh's own
 * @param host    address probed for readiness
 * @param port    port probed for readiness
 */
record Launch(List<String> command, Path workDir, String host, int port) {
    Launch {
        command = List.copyOf(command);
    }

    /**
     * @throws IllegalArgumentException when the backend is not a managed one with a port
     */
    static Launch of(String label, BackendConfig config, Path workDir) {
        if (!config.isManaged()) {
            throw new IllegalArgumentException(label + ": cmd \"" + config.cmd() + "\" is not a program to start");
        }
        String host = config.internalHost() == null || config.internalHost().isBlank()
                ? "127.0.0.1" : config.internalHost();
        try {
            return new Launch(config.command(), workDir, host, config.port());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(label + ": internal_port \"" + config.internalPort() + "\" is not a port", e);
        }
    }

    /** {@return the command line as one string, for log lines} */
    String line() {
        return String.join(" ", command);
    }

    /** {@return the program, for error messages} */
    String program() {
        return command.getFirst();
    }

    /** Starts the program, tied to the mesh's life (see {@link Spawner}). */
    Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        return Spawner.start(builder);
    }
}
