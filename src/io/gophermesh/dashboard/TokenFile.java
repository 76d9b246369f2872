package io.gophermesh.dashboard;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the generated dashboard token beside the config so that scripts on the same machine can
 * read it. The file is readable by its owner only from the moment it exists: it is created under a
 * temporary name with mode 0600 and renamed into place, so no other user can ever open it.
 */
final class TokenFile {
    private TokenFile() {
    }

    /**
     * @param configPath the config file
     * @return {@code <config>.token} in the same folder
     */
    static Path besideConfig(Path configPath) {
        Path abs = configPath.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".token");
    }

    /**
     * @param file  target file; replaced if it exists
     * @param token token to write (one line)
     * @throws IOException naming the file when it cannot be written
     */
    static void write(Path file, String token) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("dashboard token file " + target + " cannot be written: " + e.getMessage(), e);
        }
    }
}
