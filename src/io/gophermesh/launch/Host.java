package io.gophermesh.launch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What registration needs from the machine, gathered so tests can give a temporary home, their own
 * PATH, a fake JVM and a command recorder.
 *
 * @param osName      value of {@code os.name}
 * @param home        the user's home folder
 * @param env         environment variables ({@code PATH}, {@code XDG_DATA_HOME}, {@code PATHEXT})
 * @param javaCommand absolute path of the JVM executable that should run mesh.jar
 * @param runner      runs external commands
 */
record Host(String osName, Path home, Map<String, String> env, String javaCommand, CommandRunner runner) {

    enum Platform { LINUX, WINDOWS, MACOS, OTHER }

    Host {
        env = Map.copyOf(env);
    }

    /** {@return this machine: current JVM, real home, real environment, real processes} */
    static Host current() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin",
                        System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java").toString());
        return new Host(System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")),
                System.getenv(), java, CommandRunner.PROCESS);
    }

    Platform platform() {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return Platform.WINDOWS;
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return Platform.MACOS;
        }
        return os.startsWith("linux") ? Platform.LINUX : Platform.OTHER;
    }

    /**
     * @param program a program name
     * @return its executable file on {@code PATH} (trying {@code PATHEXT} on Windows), empty if none
     */
    Optional<Path> which(String program) {
        String path = env.getOrDefault("PATH", env.getOrDefault("Path", ""));
        List<String> suffixes = platform() == Platform.WINDOWS
                ? List.of(env.getOrDefault("PATHEXT", ".EXE;.CMD;.BAT;.COM").split(";"))
                : List.of("");
        String separator = platform() == Platform.WINDOWS ? ";" : File.pathSeparator;
        for (String dir : path.split(separator)) {
            if (dir.isBlank()) {
                continue;
            }
            for (String suffix : suffixes) {
                try {
                    Path candidate = Path.of(dir, program + suffix.toLowerCase(Locale.ROOT));
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return Optional.of(candidate.toAbsolutePath());
                    }
                } catch (InvalidPathException ignored) {
                    // a PATH entry that is not a path on this system cannot hold the program
                }
            }
        }
        return Optional.empty();
    }
}
