package io.mfpoauth.token.service.internal.store;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM by the tests. {@code LockProbe <file>} prints whether it could lock the file;
 * {@code LockProbe <file> hold} locks it, prints {@code held}, and keeps it until its standard input closes.
 */
final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            System.out.print(lock == null ? "busy" : args.length > 1 ? "held\n" : "locked");
            System.out.flush();
            if (lock != null && args.length > 1) {
                System.in.readAllBytes();
            }
        }
    }
}
