package io.gophermesh.launch;

import java.util.OptionalInt;

import io.gophermesh.config.Config;

/**
 * What the command line does after {@link LaunchFlow#decide}.
 *
 * @param outcome what to do
 * @param message one line for the user: why it was refused, or what is already running, or what starts
 * @param request the parsed URL, {@code null} when the URL itself was refused
 * @param config  the config to start with ({@link Config#configPath()} set); {@code null} unless
 *                {@link Outcome#START} or {@link Outcome#ALREADY_RUNNING}
 */
public record LaunchDecision(Outcome outcome, String message, LaunchProtocolRequest request, Config config) {

    /** Exit code of a refused launch. */
    public static final int EXIT_REFUSED = 2;

    /** What the command line does. */
    public enum Outcome {
        /** Start the mesh normally with {@link #config()}. */
        START,
        /** What the URL asks for already accepts connections: exit 0 without starting anything. */
        ALREADY_RUNNING,
        /** The URL, its config or its port is refused: print {@link #message()} and exit 2. */
        REFUSED
    }

    /** {@return the exit code to end the process with, empty when the mesh should start} */
    public OptionalInt exitCode() {
        return switch (outcome) {
            case START -> OptionalInt.empty();
            case ALREADY_RUNNING -> OptionalInt.of(0);
            case REFUSED -> OptionalInt.of(EXIT_REFUSED);
        };
    }
}
