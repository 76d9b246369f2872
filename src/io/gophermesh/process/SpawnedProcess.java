package io.gophermesh.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child started by {@link PosixSpawn}, with the behaviour of the JDK's own {@link Process}: buffered
 * pipe streams, an exit code of 128 plus the signal for a child ended by one, and {@link #isAlive()}
 * true until the child has been reaped.
 *
 * <p>The JDK's process-reaper threads wait for the exit (through {@link ProcessHandle#onExit()},
 * which does not reap a process it did not start); the child is then reaped here, on that thread.
 */
final class SpawnedProcess extends Process {
    private final int pid;
    private final ProcessHandle handle;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Integer> exitCode;

    /**
     * @param watchdog the list to put the child on until it has exited, {@code null} for none
     */
    SpawnedProcess(int pid, OutputStream stdin, InputStream stdout, InputStream stderr, PosixSpawn spawner,
                   Watchdog watchdog) {
        this.pid = pid;
        // our own child cannot be gone before it is reaped, and only we reap it
        this.handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        this.stdin = new BufferedOutputStream(stdin);
        this.stdout = new BufferedInputStream(stdout);
        this.stderr = new BufferedInputStream(stderr);
        boolean watched = watchdog != null && watchdog.add(pid, handle);
        this.exitCode = handle.onExit().thenApply(h -> {
            if (watched) {
                // the pid stays ours until the reap below: no other process can have it yet
                watchdog.remove(pid);
            }
            return spawner.reap(pid);
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
        handle.destroy();
    }

    @Override
    public Process destroyForcibly() {
        handle.destroyForcibly();
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
}
