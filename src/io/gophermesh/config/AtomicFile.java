package io.gophermesh.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a reader, or a crash, sees either the old content or the new one, never
 * a mix: write a temp file next to it, fsync, rename over it, fsync the folder.
 */
final class AtomicFile {
    /** Go writes its config with 0644. */
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFile() {
    }

    /**
     * @param path target; its permissions are kept when it exists
     * @param text new content, written as UTF-8
     * @throws IOException when any step fails; the old file is then intact and no temp file is left
     */
    static void write(Path path, String text) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Set<PosixFilePermission> permissions = permissionsOf(target);
        Path temp = Files.createTempFile(dir, target.getFileName() + ".tmp-", "");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            if (permissions != null) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** The old file's permissions, or Go's 0644 for a new file; null where POSIX permissions do not exist. */
    private static Set<PosixFilePermission> permissionsOf(Path target) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target.getParent(), PosixFileAttributeView.class);
        if (view == null) {
            return null;
        }
        if (Files.isRegularFile(target)) {
            return Files.getPosixFilePermissions(target);
        }
        return NEW_FILE;
    }

    /** Makes the rename itself durable; some file systems cannot open a folder, which is then no worse than before. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            System.getLogger(AtomicFile.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot fsync folder {0}: {1}", dir, e.getMessage());
        }
    }
}
