package io.gophermesh.process;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Starts a program with glibc's {@code posix_spawnp} through the FFM API, the child's three standard
 * streams connected to pipes. The JDK starts every child through its {@code jspawnhelper}, an extra
 * exec that costs about 3 ms per child on a slow-forking machine; a stdio route starts one child per
 * connection, so that exec is most of what the mesh adds.
 *
 * <p>The child gets what the JDK would give it: the builder's command, environment and working
 * directory, the default disposition for every signal, an empty signal mask, and no descriptor but
 * its standard streams ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34). Its pipes
 * are read and written as the JDK's are (see {@link PipeBlocking}, {@link PipeEnds}). Each child's
 * exit is waited for by a platform thread of its own, blocked in {@code waitid}, as the JDK's
 * process reapers do; those threads are kept for the next child while children keep coming. Only
 * Linux with such a glibc, and a JVM that allows native access and exports the JDK's internals
 * named above to the mesh, use this path; {@link #load()} is empty elsewhere and {@link Spawner}
 * then uses {@link ProcessBuilder#start()}.
 */
final class PosixSpawn {
    private static final int O_CLOEXEC = 0x80000;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int EINTR = 4;
    private static final long SIGINFO_SIZE = 128;
    /** Enough for a thread that only waits in one system call; the JDK's reapers use as little. */
    private static final long REAPER_STACK = 256 * 1024;
    // opaque glibc structures, allocated larger than they are (80, 336 and 128 bytes on x86-64)
    private static final long FILE_ACTIONS_SIZE = 256;
    private static final long ATTR_SIZE = 512;
    private static final long SIGSET_SIZE = 256;

    private final PipeBlocking blocking;
    private final PipeEnds ends;
    private final ExecutorService reapers = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("mesh-reaper-", 1).daemon().stackSize(REAPER_STACK).factory());
    private final MethodHandle spawnp;
    private final MethodHandle actionsInit;
    private final MethodHandle actionsDestroy;
    private final MethodHandle addDup2;
    private final MethodHandle addChdir;
    private final MethodHandle addCloseFrom;
    private final MethodHandle attrInit;
    private final MethodHandle attrDestroy;
    private final MethodHandle attrSetFlags;
    private final MethodHandle attrSetSigMask;
    private final MethodHandle attrSetSigDefault;
    private final MethodHandle sigEmptySet;
    private final MethodHandle sigFillSet;
    private final MethodHandle pipe2;
    private final MethodHandle close;
    private final MethodHandle waitpid;
    private final MethodHandle waitid;
    private final MethodHandle kill;
    private final MethodHandle strerror;
    private final StructLayout callState = Linker.Option.captureStateLayout();
    private final VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** libc's {@code char **environ}, the mesh's own environment as it stands; {@code null} if not found. */
    private final MemorySegment environ;

    private PosixSpawn(Linker linker, SymbolLookup libc, PipeBlocking blocking, PipeEnds ends) {
        this.blocking = blocking;
        this.ends = ends;
        this.environ = libc.find("environ").map(s -> s.reinterpret(ADDRESS.byteSize())).orElse(null);
        spawnp = handle(linker, libc, "posix_spawnp", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        actionsInit = handle(linker, libc, "posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
        actionsDestroy = handle(linker, libc, "posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
        addDup2 = handle(linker, libc, "posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        addChdir = handle(linker, libc, "posix_spawn_file_actions_addchdir_np", JAVA_INT, ADDRESS, ADDRESS);
        addCloseFrom = handle(linker, libc, "posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
        attrInit = handle(linker, libc, "posix_spawnattr_init", JAVA_INT, ADDRESS);
        attrDestroy = handle(linker, libc, "posix_spawnattr_destroy", JAVA_INT, ADDRESS);
        attrSetFlags = handle(linker, libc, "posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
        attrSetSigMask = handle(linker, libc, "posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
        attrSetSigDefault = handle(linker, libc, "posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
        sigEmptySet = handle(linker, libc, "sigemptyset", JAVA_INT, ADDRESS);
        sigFillSet = handle(linker, libc, "sigfillset", JAVA_INT, ADDRESS);
        pipe2 = handle(linker, libc, "pipe2", JAVA_INT, ADDRESS, JAVA_INT);
        close = handle(linker, libc, "close", JAVA_INT, JAVA_INT);
        waitpid = handle(linker, libc, "waitpid", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        Linker.Option withErrno = Linker.Option.captureCallState("errno");
        waitid = linker.downcallHandle(libc.find("waitid").orElseThrow(() -> new IllegalStateException("no waitid")),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), withErrno);
        kill = handle(linker, libc, "kill", JAVA_INT, JAVA_INT, JAVA_INT);
        strerror = handle(linker, libc, "strerror", ADDRESS, JAVA_INT);
    }

    /** {@return the spawner, when this platform and JVM allow it} */
    static Optional<PosixSpawn> load() {
        Optional<PipeBlocking> blocking = PipeBlocking.load();
        Optional<PipeEnds> ends = PipeEnds.load();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || !PosixSpawn.class.getModule().isNativeAccessEnabled()
                || blocking.isEmpty()
                || ends.isEmpty()) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            return Optional.of(new PosixSpawn(linker, linker.defaultLookup(), blocking.get(), ends.get()));
        } catch (RuntimeException e) {
            // a libc without one of the functions (musl, glibc before 2.34): the JDK's way then
            return Optional.empty();
        }
    }

    /** {@return whether {@code builder} asks for nothing but pipes, the only streams this path makes} */
    static boolean handles(ProcessBuilder builder) {
        return builder.redirectInput() == ProcessBuilder.Redirect.PIPE
                && builder.redirectOutput() == ProcessBuilder.Redirect.PIPE
                && builder.redirectError() == ProcessBuilder.Redirect.PIPE
                && !builder.redirectErrorStream();
    }

    /**
     * Starts {@code builder}'s command; see {@link #handles}.
     *
     * @param watchdog the list to put the child on until it has exited, {@code null} for none
     * @throws IOException with the JDK's wording when the program cannot be started
     */
    Process start(ProcessBuilder builder, Watchdog watchdog) throws IOException {
        List<String> command = builder.command();
        if (command.isEmpty()) {
            throw new IndexOutOfBoundsException("empty command");
        }
        for (String arg : command) {
            if (arg.indexOf('\u0000') >= 0) {
                throw new IOException("invalid null character in command");
            }
        }
        File dir = builder.directory();
        // the child's ends at even indexes, ours at odd: stdin's write end, stdout's and stderr's read ends
        int[] fds = {-1, -1, -1, -1, -1, -1};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            for (int i = 0; i < 3; i++) {
                check((int) pipe2.invokeExact(pair, O_CLOEXEC), "pipe2");
                // stdin is the pipe the child reads, so its read end goes to the child
                fds[2 * i] = pair.getAtIndex(JAVA_INT, i == 0 ? 0 : 1);
                fds[2 * i + 1] = pair.getAtIndex(JAVA_INT, i == 0 ? 1 : 0);
            }
            int pid = spawn(arena, command, builder.environment(), dir, fds[0], fds[2], fds[4], true);
            FileOutputStream stdin = ends.output(fds[1]);
            fds[1] = -1;
            FileInputStream stdout = ends.input(fds[3]);
            fds[3] = -1;
            FileInputStream stderr = ends.input(fds[5]);
            fds[5] = -1;
            return new SpawnedProcess(pid, command.getFirst(), blocking.output(stdin), blocking.input(stdout),
                    blocking.input(stderr), this, watchdog);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot start " + command.getFirst() + ": " + t, t);
        } finally {
            // the child has its own copies of its ends; ours are in the streams, or closed here if the start failed
            for (int fd : fds) {
                if (fd >= 0) {
                    closeQuietly(fd);
                }
            }
        }
    }

    /**
     * Goes through the set-up of a start without starting anything: a pipe, the file actions and
     * attributes, the argument block, both kinds of environment. The first real start then finds
     * this code and the native calls behind it loaded and linked (see {@link SpawnPreparation}).
     */
    void rehearse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            check((int) pipe2.invokeExact(pair, O_CLOEXEC), "pipe2");
            int read = pair.getAtIndex(JAVA_INT, 0);
            int write = pair.getAtIndex(JAVA_INT, 1);
            try {
                spawn(arena, List.of("true"), Map.of("GOPHERMESH", "1"), null, read, write, write, false);
                spawn(arena, List.of("true"), System.getenv(), null, read, write, write, false);
            } finally {
                closeQuietly(read);
                closeQuietly(write);
            }
        } catch (Throwable t) {
            // nothing was started; the first real start links what is left and reports what fails
        }
    }

    /** {@return the child's pid; with {@code start} false, everything but the start itself is done and 0 returned} */
    private int spawn(Arena arena, List<String> command, Map<String, String> env, File dir,
                      int stdin, int stdout, int stderr, boolean start) throws Throwable {
        MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
        MemorySegment attr = arena.allocate(ATTR_SIZE, 16);
        check((int) actionsInit.invokeExact(actions), "posix_spawn_file_actions_init");
        try {
            check((int) attrInit.invokeExact(attr), "posix_spawnattr_init");
            try {
                check((int) addDup2.invokeExact(actions, stdin, 0), "adddup2");
                check((int) addDup2.invokeExact(actions, stdout, 1), "adddup2");
                check((int) addDup2.invokeExact(actions, stderr, 2), "adddup2");
                if (dir != null) {
                    check((int) addChdir.invokeExact(actions, arena.allocateFrom(dir.getPath())), "addchdir");
                }
                check((int) addCloseFrom.invokeExact(actions, 3), "addclosefrom");
                MemorySegment none = arena.allocate(SIGSET_SIZE, 16);
                MemorySegment all = arena.allocate(SIGSET_SIZE, 16);
                check((int) sigEmptySet.invokeExact(none), "sigemptyset");
                check((int) sigFillSet.invokeExact(all), "sigfillset");
                check((int) attrSetSigMask.invokeExact(attr, none), "setsigmask");
                check((int) attrSetSigDefault.invokeExact(attr, all), "setsigdefault");
                check((int) attrSetFlags.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)),
                        "setflags");

                MemorySegment argv = strings(arena, command);
                // a child that inherits the mesh's environment unchanged (managed backends) gets it as
                // it stands, as the JDK does for such a child, instead of a copy built variable by
                // variable: on a cold start that copy is on the way to the backend's first instruction
                MemorySegment envp = environ != null && env.equals(System.getenv())
                        ? environ.get(ADDRESS, 0)
                        : strings(arena, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                MemorySegment pid = arena.allocate(JAVA_INT);
                if (!start) {
                    return 0;
                }
                int error = (int) spawnp.invokeExact(pid, arena.allocateFrom(command.getFirst()), actions, attr,
                        argv, envp);
                if (error != 0) {
                    throw new IOException("Cannot run program \"" + command.getFirst() + "\""
                            + (dir == null ? "" : " (in directory \"" + dir + "\")")
                            + ": error=" + error + ", " + describe(error));
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignored = (int) attrDestroy.invokeExact(attr);
            }
        } finally {
            int ignored = (int) actionsDestroy.invokeExact(actions);
        }
    }

    /** Runs {@code task} on a thread that may block in the kernel for as long as a child lives. */
    void onReaper(Runnable task) {
        reapers.execute(task);
    }

    /**
     * Blocks until {@code pid}, a child of the mesh, has exited, without reaping it: its pid stays
     * taken until {@link #reap}.
     *
     * @return false when the wait failed (not a child of the mesh, or already reaped)
     */
    boolean awaitExit(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(callState);
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8);
            while (true) {
                int r = (int) waitid.invokeExact(state, P_PID, pid, info, WEXITED | WNOWAIT);
                if (r == 0) {
                    return true;
                }
                if ((int) errno.get(state, 0L) != EINTR) {
                    return false;
                }
            }
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Sends {@code signal} to {@code pid}. Only for a child that has not been reaped: until then its
     * pid cannot belong to another process.
     */
    void signal(int pid, int signal) {
        try {
            int ignored = (int) kill.invokeExact(pid, signal);
        } catch (Throwable t) {
            // kill(2) does not fail for a child of ours with a valid signal
        }
    }

    /**
     * Waits for {@code pid}, which must have exited, and frees it.
     *
     * @return its exit code, or 128 plus the signal that ended it, as the JDK reports it
     */
    int reap(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            int r = (int) waitpid.invokeExact(pid, status, 0);
            if (r != pid) {
                return -1;
            }
            int s = status.get(JAVA_INT, 0);
            int signal = s & 0x7f;
            return signal == 0 ? (s >> 8) & 0xff : 0x80 + signal;
        } catch (Throwable t) {
            return -1;
        }
    }

    private String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private void closeQuietly(int fd) {
        try {
            int ignored = (int) close.invokeExact(fd);
        } catch (Throwable t) {
            // nothing more to do with a descriptor that will not close
        }
    }

    /**
     * A C array of C strings, {@code NULL}-terminated. All the strings share one block: a child's
     * environment has dozens of variables, and a confined arena allocates each segment on its own.
     */
    private static MemorySegment strings(Arena arena, List<String> values) {
        byte[][] bytes = new byte[values.size()][];
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
            total += bytes[i].length + 1L;
        }
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        MemorySegment block = arena.allocate(Math.max(total, 1));
        long at = 0;
        for (int i = 0; i < bytes.length; i++) {
            MemorySegment.copy(bytes[i], 0, block, JAVA_BYTE, at, bytes[i].length);
            block.set(JAVA_BYTE, at + bytes[i].length, (byte) 0);
            array.setAtIndex(ADDRESS, i, block.asSlice(at));
            at += bytes[i].length + 1L;
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(int result, String what) throws IOException {
        if (result != 0) {
            throw new IOException(what + " failed (" + result + ")");
        }
    }

    private static MethodHandle handle(Linker linker, SymbolLookup libc, String name,
                                       MemoryLayout result, MemoryLayout... args) {
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new IllegalStateException("no " + name + " in libc"));
        return linker.downcallHandle(symbol, FunctionDescriptor.of(result, args));
    }
}
