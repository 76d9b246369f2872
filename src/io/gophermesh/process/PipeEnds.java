package io.gophermesh.process;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * Turns the mesh's ends of a child's pipes into Java streams on the descriptors themselves, as the
 * JDK does for the children it starts. Without it the only public way is to open
 * {@code /proc/self/fd/N} again: three opens and three closes more per child, through procfs, on the
 * way to every spawn of a stdio route.
 *
 * <p>A {@link FileDescriptor} is set to a number by the JDK's internal
 * {@code jdk.internal.access.JavaIOFileDescriptorAccess}; the jar's manifest exports that package to
 * the mesh ({@code Add-Exports: java.base/jdk.internal.access}). Each descriptor is also registered
 * with the JDK's cleaner, so that a stream dropped without {@code close} still gives its descriptor
 * back, as a stream opened by name does. Where the package is not exported, {@link #load()} is
 * empty and children start through {@link ProcessBuilder} instead.
 */
final class PipeEnds {
    private final MethodHandle set;
    private final MethodHandle registerCleanup;

    private PipeEnds(MethodHandle set, MethodHandle registerCleanup) {
        this.set = set;
        this.registerCleanup = registerCleanup;
    }

    /** {@return the converter, when the JDK lets the mesh use it} */
    static Optional<PipeEnds> load() {
        try {
            if (!Object.class.getModule().isExported("jdk.internal.access", PipeEnds.class.getModule())) {
                return Optional.empty();
            }
            Class<?> secrets = Class.forName("jdk.internal.access.SharedSecrets");
            Class<?> access = Class.forName("jdk.internal.access.JavaIOFileDescriptorAccess");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Object fdAccess = lookup.findStatic(secrets, "getJavaIOFileDescriptorAccess", MethodType.methodType(access))
                    .invoke();
            return Optional.of(new PipeEnds(
                    lookup.findVirtual(access, "set", MethodType.methodType(void.class, FileDescriptor.class, int.class))
                            .bindTo(fdAccess),
                    lookup.findVirtual(access, "registerCleanup", MethodType.methodType(void.class, FileDescriptor.class))
                            .bindTo(fdAccess)));
        } catch (Throwable t) {
            // not exported, or the JDK's internals have changed: the JDK's own way of starting then
            return Optional.empty();
        }
    }

    /** {@return a stream that reads {@code fd} and closes it when closed} */
    FileInputStream input(int fd) {
        return new FileInputStream(descriptor(fd));
    }

    /** {@return a stream that writes {@code fd} and closes it when closed} */
    FileOutputStream output(int fd) {
        return new FileOutputStream(descriptor(fd));
    }

    private FileDescriptor descriptor(int fd) {
        FileDescriptor descriptor = new FileDescriptor();
        try {
            set.invokeExact(descriptor, fd);
            registerCleanup.invokeExact(descriptor);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot wrap descriptor " + fd, t);
        }
        return descriptor;
    }
}
