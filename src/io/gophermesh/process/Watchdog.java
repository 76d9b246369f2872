package io.gophermesh.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Kills the mesh's children when the mesh dies without cleaning up (SIGKILL, out-of-memory kill,
 * crash). A small {@code /bin/sh} process reads one line per started child ({@code + PID}) and per
 * ended child ({@code - PID}) from a pipe whose only writer is the mesh. When the mesh dies, for
 * whatever reason, the kernel closes that pipe; the shell reads end of file and sends SIGKILL to
 * every child it still has on its list.
 *
 * <p>One shell serves every child, so a start costs no extra exec (a parent-death signal needs a
 * helper such as {@code setpriv} in front of each program). A child is put on the list before
 * {@link Spawner#start} returns. A {@link SpawnedProcess} is taken off the list after it has exited
 * and before it is reaped, while the kernel cannot yet give its pid to another process; a child
 * started by {@link ProcessBuilder} comes off just after the JDK has reaped it.
 */
final class Watchdog {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    /** {@code $0} of the shell, so that it can be recognised in a process list. */
    static final String NAME = "gophermesh-watchdog";
    private static final String SHELL = "/bin/sh";
    private static final String SCRIPT = """
            trap '' INT HUP TERM QUIT PIPE
            live=' '
            while read -r op pid; do
              case $op in
                +) live="$live$pid " ;;
                -) case $live in *" $pid "*) live="${live%% $pid *} ${live#* $pid }" ;; esac ;;
              esac
            done
            [ "$live" = ' ' ] || kill -KILL $live 2>/dev/null
            exit 0
            """;

    // guarded by this
    private final Set<Long> live = new HashSet<>();
    private Process shell;
    private OutputStream toShell;

    /** {@return whether this machine has the shell the watchdog runs in} */
    static boolean available() {
        return Files.isExecutable(Path.of(SHELL))
                && !System.getProperty("os.name", "").startsWith("Windows");
    }

    /**
     * Puts {@code child} on the list; it comes off by itself once it has exited.
     *
     * @param child a process just started
     */
    void watch(Process child) {
        long pid = child.pid();
        if (add(pid, () -> child.toHandle().info().command().orElse("?"))) {
            child.onExit().thenRun(() -> remove(pid));
        }
    }

    /**
     * Puts {@code pid} on the list; when no watchdog can be started or told, logs that the child is
     * not covered.
     *
     * @param program the child's program, for the log line
     * @return whether the pid is on the list
     */
    synchronized boolean add(long pid, Supplier<String> program) {
        live.add(pid);
        try {
            send("+ " + pid + "\n");
            return true;
        } catch (IOException e) {
            live.remove(pid);
            LOG.log(WARNING, "pid " + pid + " (" + program.get() + ") will not be stopped if the mesh is killed: "
                    + e.getMessage());
            return false;
        }
    }

    /**
     * Starts the shell now if none runs, so that the first child does not wait for it.
     *
     * @throws IOException when the shell cannot be started
     */
    synchronized void ready() throws IOException {
        if (shell == null || !shell.isAlive()) {
            start();
        }
    }

    /** Takes {@code pid} off the list; call it before the pid can be reaped, so before it can be reused. */
    synchronized void remove(long pid) {
        if (live.remove(pid)) {
            try {
                send("- " + pid + "\n");
            } catch (IOException e) {
                // the next watch() starts a new shell with the current list, which lacks this pid
            }
        }
    }

    /** {@return whether {@code pid} is on the list} */
    synchronized boolean watching(long pid) {
        return live.contains(pid);
    }

    /**
     * Ends the shell as the mesh's death would: it kills what is still on the list, then exits.
     */
    synchronized void close() {
        if (toShell != null) {
            try {
                toShell.close();
            } catch (IOException ignored) {
                // the shell is gone already
            }
        }
    }

    /** {@return the shell's pid, or -1 before the first child} */
    synchronized long pid() {
        return shell == null ? -1 : shell.pid();
    }

    /** Tells the shell of one change to {@link #live}, which already holds it. */
    private void send(String line) throws IOException {
        if (shell == null || !shell.isAlive()) {
            start();
            return;
        }
        try {
            toShell.write(line.getBytes(StandardCharsets.US_ASCII));
            toShell.flush();
        } catch (IOException e) {
            // the shell died between the check and the write
            start();
        }
    }

    /** Starts a shell and hands it the whole list. */
    private void start() throws IOException {
        if (shell != null) {
            LOG.log(WARNING, "watchdog pid " + shell.pid() + " is gone; starting a new one for "
                    + live.size() + " children");
        }
        Process started = new ProcessBuilder(SHELL, "-c", SCRIPT, NAME)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        shell = started;
        toShell = started.getOutputStream();
        StringBuilder all = new StringBuilder();
        for (long pid : live) {
            all.append("+ ").append(pid).append('\n');
        }
        if (!all.isEmpty()) {
            try {
                toShell.write(all.toString().getBytes(StandardCharsets.US_ASCII));
                toShell.flush();
            } catch (IOException e) {
                throw new IOException("watchdog pid " + started.pid() + " exited at once", e);
            }
        }
    }
}
