package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a power cut (a printer is switched off at any moment): the content goes to a temporary file
 * in the target's folder, is forced to the disk, and replaces the target in one atomic rename. A reader sees the old
 * file or the new one, never half of either.
 */
final class AtomicFiles {

    /** Writes the content of a file. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with what {@code body} writes. */
    static void write(Path target, Body body) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, ".write-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            moveInto(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies a stream into a new file, forced to the disk. @return the number of bytes */
    static long copyDurably(InputStream in, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long n = in.transferTo(Channels.newOutputStream(channel));
            channel.force(true);
            return n;
        }
    }

    /** Renames {@code temp} to {@code target} atomically (replacing it) and forces the folder entry to the disk. */
    static void moveInto(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The file system cannot rename " + target.getFileName() + " atomically", e);
        }
        syncFolder(target.toAbsolutePath().getParent());
    }

    private static void syncFolder(Path folder) {
        // Makes the rename itself durable on Linux; other systems cannot open a folder and need not.
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }
}
