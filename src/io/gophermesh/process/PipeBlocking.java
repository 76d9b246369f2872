package io.gophermesh.process;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * Lets a virtual thread block on a child's pipe without holding up the others. A read from a pipe
 * is a plain blocking system call that keeps the virtual thread's carrier; with two carriers, two
 * children that print nothing would stop every other virtual thread of the mesh. The JDK's own
 * process streams bracket each such call with {@code jdk.internal.misc.Blocker}, which adds a
 * carrier for the time of the call; these streams do the same.
 *
 * <p>That class is internal to the JDK: the jar's manifest exports its package to the mesh
 * ({@code Add-Exports: java.base/jdk.internal.misc}). Where it is not exported, or its methods have
 * changed, {@link #load()} is empty and children start through {@link ProcessBuilder} instead.
 */
final class PipeBlocking {
    private final MethodHandle begin;
    private final MethodHandle end;

    private PipeBlocking(MethodHandle begin, MethodHandle end) {
        this.begin = begin;
        this.end = end;
    }

    /** {@return the bracket, when the JDK lets the mesh use it} */
    static Optional<PipeBlocking> load() {
        try {
            if (!Object.class.getModule().isExported("jdk.internal.misc", PipeBlocking.class.getModule())) {
                return Optional.empty();
            }
            Class<?> blocker = Class.forName("jdk.internal.misc.Blocker");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            return Optional.of(new PipeBlocking(
                    lookup.findStatic(blocker, "begin", MethodType.methodType(boolean.class)),
                    lookup.findStatic(blocker, "end", MethodType.methodType(void.class, boolean.class))));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    InputStream input(InputStream pipe) {
        return new FilterInputStream(pipe) {
            @Override
            public int read() throws IOException {
                boolean attempted = begin();
                try {
                    return in.read();
                } finally {
                    end(attempted);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                boolean attempted = begin();
                try {
                    return in.read(b, off, len);
                } finally {
                    end(attempted);
                }
            }
        };
    }

    OutputStream output(OutputStream pipe) {
        return new FilterOutputStream(pipe) {
            @Override
            public void write(int b) throws IOException {
                boolean attempted = begin();
                try {
                    out.write(b);
                } finally {
                    end(attempted);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                boolean attempted = begin();
                try {
                    out.write(b, off, len);
                } finally {
                    end(attempted);
                }
            }
        };
    }

    private boolean begin() {
        try {
            return (boolean) begin.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("Blocker.begin failed", t);
        }
    }

    private void end(boolean attempted) {
        try {
            end.invokeExact(attempted);
        } catch (Throwable t) {
            throw new IllegalStateException("Blocker.end failed", t);
        }
    }
}
