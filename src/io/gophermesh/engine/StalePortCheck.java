package io.gophermesh.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.Config;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;

/**
 * At start, reports managed backends whose port is already taken: usually a backend left running
 * by an earlier mesh that was killed where children could not be tied to its life. The mesh then
 * proxies to that process instead of starting its own; the user should know, and which PID it is.
 */
final class StalePortCheck {
    private static final System.Logger LOG = System.getLogger("io.gophermesh.engine");

    private StalePortCheck() {
    }

    static void report(Config config) {
        for (Map.Entry<String, RouteConfig> e : config.routes().entrySet()) {
            RouteConfig rc = e.getValue();
            if (rc.protocol() == Protocol.STDIO) {
                continue;
            }
            for (BackendConfig bc : rc.backends()) {
                if (bc.isManaged() && accepting(bc)) {
                    String owner = ownerOf(bc.port());
                    LOG.log(System.Logger.Level.WARNING, "route " + e.getKey() + " backend " + bc.name()
                            + ": port " + bc.internalPort() + " is already in use" + owner
                            + " before the mesh started it; requests go to that process (stale from an earlier run?)");
                }
            }
        }
    }

    private static boolean accepting(BackendConfig bc) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(bc.internalHost(), bc.port()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Finds the listening process through /proc on Linux; empty text elsewhere or when unknown. */
    static String ownerOf(int port) {
        String inode = listeningInode(port);
        if (inode == null) {
            return "";
        }
        String target = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String pid = proc.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        if (target.equals(Files.readSymbolicLink(fd).toString())) {
                            String cmd = ProcessHandle.of(Long.parseLong(pid))
                                    .flatMap(h -> h.info().commandLine()).orElse("?");
                            return " by pid " + pid + " (" + cmd + ")";
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // process gone or not ours to inspect
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private static String listeningInode(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // local_address st ... inode; 0A is LISTEN
                    if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                        return f[9];
                    }
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }
}
