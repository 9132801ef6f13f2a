package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the firmware's own user may read: folders 700 and files 600 where the file system has POSIX
 * permissions (elsewhere the folder's own protection applies). Writes are atomic: a temporary file, fsync, rename.
 */
final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /** Creates the folder (and its parents) when missing, owner-only. */
    static Path folder(Path folder) throws IOException {
        Files.createDirectories(folder);
        restrict(folder, FOLDER);
        return folder;
    }

    /** Replaces {@code file} with {@code text} atomically: readers see the old content or the new, never a part. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path folder = folder(file.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
        try {
            restrict(temporary, FILE);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(text));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A new empty owner-only temporary file in {@code folder}. */
    static Path temporaryFile(Path folder, String prefix) throws IOException {
        Path file = Files.createTempFile(folder(folder), prefix, ".tmp");
        restrict(file, FILE);
        return file;
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions here (e.g. FAT flash): the data folder's own protection is all there is.
        }
    }
}
