package io.gophermesh.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A child started by {@link PosixSpawn}, with the behaviour of the JDK's own {@link Process}: buffered
 * pipe streams, an exit code of 128 plus the signal for a child ended by one, and {@link #isAlive()}
 * true until the child has been reaped.
 *
 * <p>A thread of {@link PosixSpawn}'s waits for the exit without reaping, takes the child off the
 * watchdog's list, then reaps it. Signals are sent only while the child is not reaped, under the
 * same lock as the reap, so none can reach another process that was given the pid later. The
 * {@link ProcessHandle} of the child is this class's own: the JDK's reads {@code /proc} to learn
 * the start time that guards it against reused pids, which this child does not need.
 */
final class SpawnedProcess extends Process {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final int pid;
    private final PosixSpawn spawner;
    private final Handle handle = new Handle();
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Integer> exitCode;
    private final Object lock = new Object();
    // guarded by lock
    private boolean reaped;
    private ProcessHandle jdkHandle;

    /**
     * @param program  the program started, for a log line
     * @param watchdog the list to put the child on until it has exited, {@code null} for none
     */
    SpawnedProcess(int pid, String program, OutputStream stdin, InputStream stdout, InputStream stderr,
                   PosixSpawn spawner, Watchdog watchdog) {
        this.pid = pid;
        this.spawner = spawner;
        this.stdin = new BufferedOutputStream(stdin);
        this.stdout = new BufferedInputStream(stdout);
        this.stderr = new BufferedInputStream(stderr);
        this.exitCode = new CompletableFuture<>();
        boolean watched = watchdog != null && watchdog.add(pid, () -> program);
        spawner.onReaper(() -> {
            boolean exited = spawner.awaitExit(pid);
            if (watched) {
                // the pid stays ours until the reap below: no other process can have it yet
                watchdog.remove(pid);
            }
            int code;
            synchronized (lock) {
                reaped = true;
                code = exited ? spawner.reap(pid) : -1;
            }
            exitCode.complete(code);
        });
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exitCode.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + pid + " failed", e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exitCode.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + pid + " failed", e.getCause());
        }
    }

    @Override
    public int exitValue() {
        Integer code = exitCode.getNow(null);
        if (code == null) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return code;
    }

    @Override
    public void destroy() {
        signal(SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return !exitCode.isDone();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exitCode.thenApply(code -> this);
    }

    @Override
    public String toString() {
        Integer code = exitCode.getNow(null);
        return "Process[pid=" + pid + ", exitValue=" + (code == null ? "\"not exited\"" : code) + "]";
    }

    private boolean signal(int signal) {
        synchronized (lock) {
            if (!reaped) {
                spawner.signal(pid, signal);
            }
            return !reaped;
        }
    }

    /** The JDK's handle of the child, made on first need while the child is not reaped. */
    private Optional<ProcessHandle> jdkHandle() {
        synchronized (lock) {
            if (jdkHandle == null && !reaped) {
                jdkHandle = ProcessHandle.of(pid).orElse(null);
            }
            return Optional.ofNullable(jdkHandle);
        }
    }

    /** The child as a {@link ProcessHandle}; what only {@code /proc} can tell comes from the JDK's. */
    private final class Handle implements ProcessHandle {
        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Optional<ProcessHandle> parent() {
            return isAlive() ? Optional.of(ProcessHandle.current()) : Optional.empty();
        }

        @Override
        public Stream<ProcessHandle> children() {
            return jdkHandle().map(ProcessHandle::children).orElseGet(Stream::empty);
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            return jdkHandle().map(ProcessHandle::descendants).orElseGet(Stream::empty);
        }

        @Override
        public Info info() {
            return jdkHandle().map(ProcessHandle::info).orElseGet(() -> Gone.INFO);
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            return exitCode.thenApply(code -> this);
        }

        @Override
        public boolean supportsNormalTermination() {
            return true;
        }

        @Override
        public boolean destroy() {
            return signal(SIGTERM);
        }

        @Override
        public boolean destroyForcibly() {
            return signal(SIGKILL);
        }

        @Override
        public boolean isAlive() {
            return SpawnedProcess.this.isAlive();
        }

        @Override
        public int compareTo(ProcessHandle other) {
            return Long.compare(pid, other.pid());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Handle h && h.pid() == pid;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(pid);
        }

        @Override
        public String toString() {
            return Long.toString(pid);
        }
    }

    /** What is known of a process that was reaped before anyone asked: nothing, as the JDK reports it. */
    private enum Gone implements ProcessHandle.Info {
        INFO;

        @Override
        public Optional<String> command() {
            return Optional.empty();
        }

        @Override
        public Optional<String> commandLine() {
            return Optional.empty();
        }

        @Override
        public Optional<String[]> arguments() {
            return Optional.empty();
        }

        @Override
        public Optional<Instant> startInstant() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> totalCpuDuration() {
            return Optional.empty();
        }

        @Override
        public Optional<String> user() {
            return Optional.empty();
        }
    }
}
