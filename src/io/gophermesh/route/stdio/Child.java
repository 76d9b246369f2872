package io.gophermesh.route.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.process.LogBuffer;
import io.gophermesh.process.ProcessTree;
import io.gophermesh.process.Spawner;
import io.gophermesh.route.Backend;

/**
 * One child process of a stdio backend: its pipes, its stderr copied line by line into the
 * backend's log, and its end (a grace period to exit, then the whole tree is killed). Every child
 * is waited for, so none is left a zombie.
 */
final class Child {
    /** Kill reason when the client went away; such a kill is no fault of the child. */
    static final String CLIENT_GONE = "client disconnected";
    private static final System.Logger LOG = System.getLogger(Child.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** Longest stderr line kept whole; longer ones are cut into pieces of this size. */
    private static final int MAX_LINE = 8192;

    private final Backend backend;
    private final Process process;
    private final long pid;
    private final String label;
    private final Thread stderrPump;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile String killedFor;

    private Child(Backend backend, Process process, String commandLine, String how) {
        this.backend = backend;
        this.process = process;
        this.pid = process.pid();
        this.label = backend.label() + " pid " + pid;
        // the marker goes in before the pump starts, so it precedes every line of this child
        log(backend.log(), "[mesh] pid " + pid + " started" + how + ": " + commandLine);
        this.stderrPump = Thread.ofVirtual().name("stdio-stderr-" + pid).start(this::pumpStderr);
    }

    /**
     * Starts the backend's command.
     *
     * @param backend stdio backend
     * @param env     variables to set; a {@code null} value removes an inherited variable
     * @param how     text after "started" in the log marker, e.g. {@code " (warm)"}
     * @return the running child
     * @throws IOException when the program cannot be started
     */
    static Child start(Backend backend, Map<String, String> env, String how) throws IOException {
        BackendConfig config = backend.config();
        if (config.cmd() == null || config.cmd().isBlank()) {
            throw new IOException(backend.label() + ": no cmd configured");
        }
        List<String> command = config.command();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (backend.workDir() != null) {
            builder.directory(backend.workDir().toFile());
        }
        Map<String, String> environment = builder.environment();
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        Process process = Spawner.start(builder);
        return new Child(backend, process, String.join(" ", command), how);
    }

    /** {@return the backend whose command runs} */
    Backend backend() {
        return backend;
    }

    /** {@return process id} */
    long pid() {
        return pid;
    }

    /** {@return e.g. {@code route 18081 backend echo pid 1234}} */
    String label() {
        return label;
    }

    /** {@return the child's stdin} */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** {@return the child's stdout} */
    InputStream stdout() {
        return process.getInputStream();
    }

    /** {@return whether the process is running} */
    boolean alive() {
        return process.isAlive();
    }

    /**
     * Kills the child and its descendants now, if it is still running. The first reason is kept.
     *
     * @param why why, for logs
     */
    void kill(String why) {
        if (!process.isAlive()) {
            return;
        }
        synchronized (this) {
            if (killedFor == null) {
                killedFor = why;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> label + ": killing child: " + why);
        ProcessTree.kill(process.toHandle());
    }

    /** {@return whether the child was killed because its client went away} */
    boolean clientGone() {
        return CLIENT_GONE.equals(killedFor);
    }

    /** {@return why the mesh killed the child, {@code null} when it did not} */
    String killedFor() {
        return killedFor;
    }

    /**
     * @param wait longest wait
     * @return the exit code, {@code null} when still running after {@code wait}
     */
    Integer awaitExit(Duration wait) {
        try {
            return process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return process.isAlive() ? null : process.exitValue();
        }
    }

    /** Registers an action to run when the process exits, on a JDK thread; it must not block. */
    void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    /**
     * Ends the child: closes its stdin, gives it {@code grace} to exit, then kills its tree; waits
     * for it, kills descendants it left behind and logs its exit. Safe to call more than once.
     *
     * @param grace time the child has to exit by itself
     * @return its exit code
     */
    int finish(Duration grace) {
        List<ProcessHandle> descendants = ProcessTree.descendants(process.toHandle());
        closeQuietly(process.getOutputStream());
        Integer code = awaitExit(grace);
        if (code == null) {
            kill("still running " + grace.toMillis() + " ms after the exchange");
            code = awaitExit(Duration.ofSeconds(5));
        }
        for (ProcessHandle h : descendants) {
            if (h.isAlive()) {
                // a request-driven child must not leave work running once its exchange is over
                ProcessTree.kill(h);
            }
        }
        closeQuietly(process.getInputStream());
        if (finished.compareAndSet(false, true)) {
            try {
                stderrPump.join(Duration.ofMillis(500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int exit = code == null ? -1 : code;
            String why = killedFor;
            log(backend.log(), "[mesh] pid " + pid + " exited with code " + exit
                    + (why == null ? "" : " (killed: " + why + ")"));
            LOG.log(System.Logger.Level.DEBUG, () -> label + ": exited with code " + exit);
        }
        return code == null ? -1 : code;
    }

    private void pumpStderr() {
        LogBuffer log = backend.log();
        String prefix = "[pid " + pid + "] ";
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        log(log, prefix + text(line));
                        line.reset();
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            log(log, prefix + text(line));
                            line.reset();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closes when the child is killed; what was read is kept below
        }
        if (line.size() > 0) {
            log(log, prefix + text(line));
        }
    }

    private static String text(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Appends {@code line} to {@code log} with a timestamp. */
    static void log(LogBuffer log, String line) {
        log.append(LocalDateTime.now().format(STAMP) + " " + line);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed or broken: nothing left to release
        }
    }
}
