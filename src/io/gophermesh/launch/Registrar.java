package io.gophermesh.launch;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/** Registers the launch scheme on the host's platform; every outcome is one log line. */
final class Registrar {
    /** Longest run of one registration command. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("io.gophermesh.launch");

    private final Host host;

    Registrar(Host host) {
        this.host = host;
    }

    boolean register(Path jar, LaunchProtocolOptions options) {
        String scheme = options.scheme() + "://";
        if (jar == null) {
            LOG.log(Level.INFO, "protocol registration of " + scheme + " skipped: not running from mesh.jar");
            return false;
        }
        try {
            Path abs = jar.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                throw new IOException("jar " + abs + " is not a file");
            }
            String done = switch (host.platform()) {
                case LINUX -> LinuxRegistration.register(host, abs, options);
                case WINDOWS -> WindowsRegistration.register(host, abs, options);
                case MACOS -> MacRegistration.register(host, abs, options);
                case OTHER -> null;
            };
            if (done == null) {
                LOG.log(Level.INFO, "protocol registration of " + scheme + " skipped: not supported on " + host.osName());
                return false;
            }
            LOG.log(Level.INFO, "protocol " + scheme + " registered for " + abs + ": " + done);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "protocol registration of " + scheme + " failed: " + e.getMessage());
            return false;
        }
    }

    /**
     * The POSIX wrapper the desktop runs: the URL is its first argument and reaches mesh.jar as the
     * single argument after {@code --}, so no URL can add options. It runs the launcher beside the
     * jar when there is one (which picks the JDK, the JVM options and the AOT cache), otherwise
     * {@code java} with those options.
     */
    static String wrapperScript(String java, Path jar, boolean linux) {
        StringBuilder command = new StringBuilder("exec ");
        java.util.Optional<Path> launcher = JvmOptions.launcher(jar);
        if (launcher.isPresent()) {
            command.append(Quoting.shell(launcher.get().toString()));
        } else {
            command.append(Quoting.shell(java));
            for (String option : JvmOptions.forJar(jar, linux)) {
                command.append(' ').append(Quoting.shell(option));
            }
            command.append(" -jar ").append(Quoting.shell(jar.toString()));
        }
        return "#!/bin/sh\n"
                + "# Opens launch URLs with mesh.jar; rewritten each time mesh.jar registers the scheme.\n"
                + command + " --protocol-url -- \"$1\"\n";
    }

    /**
     * Replaces a file atomically (a half-written wrapper must never be run), with POSIX permissions
     * where the file system has them.
     */
    static void write(Path target, byte[] content, String posixPermissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            if (posixPermissions != null && Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(posixPermissions));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Runs a command and fails with its output unless it exits 0. */
    static String run(Host host, java.util.List<String> command) throws IOException {
        CommandRunner.Result result = host.runner().run(command, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + result.exitCode()
                    + (result.output().isEmpty() ? "" : ": " + result.output()));
        }
        return result.output();
    }
}
