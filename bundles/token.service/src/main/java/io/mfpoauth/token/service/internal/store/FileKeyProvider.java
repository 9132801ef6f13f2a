package io.mfpoauth.token.service.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.mfpoauth.token.spi.KeyProvider;

/**
 * The default device key: 32 random bytes (AES-256) in a file only the firmware's user can read. Created on first
 * use; never replaced, because a new key makes every stored token unreadable.
 *
 * <p>Thread-safe; the key is read once and cached.
 */
public final class FileKeyProvider implements KeyProvider {
    static final int KEY_BYTES = 32;
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path keyFile;
    private final SecureRandom random = new SecureRandom();
    private SecretKey key; // guarded by this

    public FileKeyProvider(Path keyFile) {
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile").toAbsolutePath().normalize();
    }

    @Override
    public synchronized SecretKey deviceKey() throws IOException {
        if (key == null) {
            key = readOrCreate();
        }
        return key;
    }

    /** The key file. */
    public Path keyFile() {
        return keyFile;
    }

    @Override
    public String toString() {
        return "FileKeyProvider[" + keyFile + "]";
    }

    private SecretKey readOrCreate() throws IOException {
        try {
            return read();
        } catch (NoSuchFileException e) {
            // first start: create it below
        }
        try {
            return create();
        } catch (FileAlreadyExistsException e) {
            // another process created it between our read and create: theirs is the key
            return read();
        }
    }

    private SecretKey read() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(keyFile)) {
            bytes = in.readNBytes(KEY_BYTES + 1);
        }
        try {
            if (bytes.length != KEY_BYTES) {
                throw new IOException("The device key file " + keyFile + " holds "
                        + (bytes.length > KEY_BYTES ? "more than " + KEY_BYTES : String.valueOf(bytes.length))
                        + " bytes instead of " + KEY_BYTES + ". It is left untouched, because a new key would make "
                        + "every stored token unreadable: restore the original file, or remove it together with "
                        + "the stored tokens to start afresh");
            }
            return new SecretKeySpec(bytes, "AES");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Writes a new key to a temporary file (mode 600 from its creation) and links it under the final name. A
     * hard link, unlike a rename, fails when the name already exists, so a key that appeared meanwhile is never
     * overwritten. A crash can leave the temporary file behind; it is not removed here, because another creator
     * may be using its own at this moment (the token store's start-up removes them when they share its folder).
     */
    private SecretKey create() throws IOException {
        Path folder = keyFile.getParent();
        SecureFiles.createPrivateDirectories(folder);
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        Path temp = SecureFiles.createPrivateTempFile(folder, "." + keyFile.getFileName() + ".", TEMP_SUFFIX);
        try {
            SecureFiles.writeDurably(temp, bytes);
            try {
                Files.createLink(keyFile, temp);
            } catch (FileAlreadyExistsException | NoSuchFileException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // no hard links on this file system (FAT on a memory card): check, then rename
                if (Files.exists(keyFile)) {
                    throw new FileAlreadyExistsException(keyFile.toString());
                }
                Files.move(temp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            }
            SecureFiles.fsyncDirectory(folder);
            return new SecretKeySpec(bytes, "AES");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Files.deleteIfExists(temp);
        }
    }
}
