package io.mfpoauth.token.service.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File operations shared by the store, the key file and the lock: owner-only permissions and durable renames. */
final class SecureFiles {
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attribute that creates a file readable by its owner only, or none where the file system has no modes. */
    static FileAttribute<?>[] ownerOnlyFile(Path path) {
        return isPosix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
                : new FileAttribute<?>[0];
    }

    /**
     * Creates the folder (and missing parents) with mode 700 where POSIX. The mode is given at creation rather
     * than set afterwards, so there is no moment where another user could open it.
     */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (isPosix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** A new empty temporary file in {@code dir}, mode 600 from the start where POSIX. */
    static Path createPrivateTempFile(Path dir, String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir, prefix, suffix, ownerOnlyFile(dir));
    }

    /** Writes {@code bytes} to an existing file and forces them to the device before returning. */
    static void writeDurably(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * Forces the folder's entries to the device, so a rename just made survives a power cut. Some platforms
     * (Windows) cannot open a folder as a channel; there the file system's own journal is all we have, which is
     * why a refusal is ignored rather than failing a save that has already replaced the file.
     */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // see above: best effort by design
        }
    }
}
