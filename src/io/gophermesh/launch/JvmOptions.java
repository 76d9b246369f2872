package io.gophermesh.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the mesh is started outside a terminal: through the launcher {@code mesh} beside mesh.jar
 * when there is one, otherwise with the launcher's JVM options written out, so that a protocol
 * launch starts as fast and as small as a start from the command line.
 */
final class JvmOptions {
    /** The launcher's own JVM options; the launcher script holds the same list (a test compares them). */
    static final List<String> TUNED = List.of(
            "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders", "-Xss512k", "-Xms16m", "-Xmx256m");
    /** Added on Linux only, as the launcher does: other systems' JVMs warn that they cannot trim. */
    static final String TRIM = "-XX:TrimNativeHeapInterval=2000";
    /** File name of the launcher script beside mesh.jar. */
    static final String LAUNCHER = "mesh";
    /** File name of the AOT cache beside mesh.jar. */
    static final String CACHE = "mesh.aot";

    private JvmOptions() {
    }

    /** {@return the launcher script beside {@code jar}, if it is there and executable} */
    static Optional<Path> launcher(Path jar) {
        Path launcher = jar.resolveSibling(LAUNCHER);
        return Files.isRegularFile(launcher) && Files.isExecutable(launcher) ? Optional.of(launcher) : Optional.empty();
    }

    /**
     * {@return the options to run {@code jar} with: the tuned ones, {@link #TRIM} for a Linux host,
     * and the AOT cache beside it when present; a cache the JVM cannot use is skipped without a
     * message, as the launcher does}
     */
    static List<String> forJar(Path jar, boolean linux) {
        List<String> out = new ArrayList<>(TUNED);
        if (linux) {
            out.add(TRIM);
        }
        Path cache = jar.resolveSibling(CACHE);
        if (Files.isRegularFile(cache)) {
            out.add("-XX:AOTCache=" + cache);
            out.add("-Xlog:aot*=off");
            out.add("-Xlog:cds*=off");
        }
        return out;
    }
}
