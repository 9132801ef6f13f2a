package io.mfpoauth.token.service.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * An exclusive lock on a data folder, so two firmware instances never write the same token files: two writers
 * could each rotate a refresh token and keep the one the provider already replaced.
 *
 * <p>Two files, because of how POSIX record locks work: a process loses every lock it holds on a file as soon
 * as it closes <em>any</em> descriptor of that file. A refused second acquire in the same JVM would therefore
 * drop the first one's lock the moment it closed its own channel (the test shows it). So the JVM-wide check comes
 * first, on {@code .lock-jvm}, where the JDK's own table of locks answers for every class loader and framework in
 * the JVM, and losing the OS lock does no harm. Only an acquire that passes it opens {@code .lock}, whose lock
 * keeps other processes out and is never disturbed by this JVM. Neither file is deleted on close: deleting would
 * let a third process lock a new file of the same name while the old lock is still held.
 */
public final class DataFolderLock implements AutoCloseable {
    static final String LOCK_FILE = ".lock";
    static final String JVM_LOCK_FILE = ".lock-jvm";

    private final Path lockFile;
    private final Held process;
    private final Held jvm;
    private boolean closed;

    private record Held(FileChannel channel, FileLock lock) {
        void release() {
            try {
                lock.release();
            } catch (IOException e) {
                // closing the channel below releases it too
            }
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    private DataFolderLock(Path lockFile, Held process, Held jvm) {
        this.lockFile = lockFile;
        this.process = process;
        this.jvm = jvm;
    }

    /**
     * Locks {@code dataFolder}, creating it (mode 700 where POSIX) if needed.
     *
     * @throws IOException when another process, or another holder in this JVM, has the lock, or the lock file
     *         cannot be opened
     */
    public static DataFolderLock acquire(Path dataFolder) throws IOException {
        Path folder = dataFolder.toAbsolutePath().normalize();
        SecureFiles.createPrivateDirectories(folder);
        Path lockFile = folder.resolve(LOCK_FILE);
        String inUse = "The data folder " + folder + " is in use by another running firmware (lock file " + lockFile
                + "); refusing to start so the token store is not corrupted";
        Held jvm = tryLock(folder.resolve(JVM_LOCK_FILE), folder);
        if (jvm == null) {
            throw new IOException(inUse);
        }
        Held process;
        try {
            process = tryLock(lockFile, folder);
        } catch (IOException | RuntimeException e) {
            jvm.release();
            throw e;
        }
        if (process == null) {
            jvm.release();
            throw new IOException(inUse);
        }
        return new DataFolderLock(lockFile, process, jvm);
    }

    /** The held lock, or null when someone else (this JVM or another process) holds it. */
    private static Held tryLock(Path file, Path folder) throws IOException {
        FileChannel channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                SecureFiles.ownerOnlyFile(folder));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held in this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new Held(channel, lock);
    }

    /** The lock file other processes are kept out by. */
    public Path lockFile() {
        return lockFile;
    }

    /**
     * Releases the lock; idempotent. Never throws: closing the channels releases the locks even when an explicit
     * release failed, and a caller shutting down has nothing better to do with the error.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.release();
        jvm.release();
    }

    @Override
    public String toString() {
        return "DataFolderLock[" + lockFile + (closed ? ", released" : "") + "]";
    }
}
