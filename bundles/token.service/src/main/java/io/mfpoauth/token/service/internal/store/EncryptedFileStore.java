package io.mfpoauth.token.service.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.token.Slot;
import io.mfpoauth.token.spi.KeyProvider;

/**
 * The token store: one AES-GCM encrypted file per slot, {@code <folder>/<slot>.token}.
 *
 * <p>File layout: {@code "MFPT"}, a format version byte, a 12-byte random IV, then the AES-GCM ciphertext (with
 * its 128-bit tag) of the record as JSON. The header and the slot name are the additional authenticated data, so
 * a file copied onto another slot's name, or with an edited header, fails to decrypt instead of being read as
 * the wrong slot's token.
 *
 * <p>Thread-safe: operations on one slot are serialised, different slots proceed in parallel.
 */
public final class EncryptedFileStore implements TokenStore {
    static final String SUFFIX = ".token";
    static final String TEMP_SUFFIX = ".tmp";
    static final byte FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'M', 'F', 'P', 'T'};
    private static final int HEADER_LENGTH = MAGIC.length + 1;
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final int MIN_LENGTH = HEADER_LENGTH + IV_LENGTH + TAG_BITS / 8;
    // A record is a few kilobytes at most; reading more than this would only mean the file is not ours.
    private static final int MAX_FILE_LENGTH = 256 * 1024;
    private static final String CIPHER = "AES/GCM/NoPadding";

    private final Path folder;
    private final KeyProvider keys;
    private final JsonMapper mapper;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Object> slotLocks = new ConcurrentHashMap<>();
    private final Object keyLock = new Object();
    private volatile SecretKey key;
    private volatile boolean closed;

    /**
     * Opens the store in {@code folder}, creating it (mode 700 where POSIX) if missing, and removes temporary
     * files a crash during a save left behind.
     *
     * @throws IOException when the folder cannot be created or listed
     */
    public EncryptedFileStore(Path folder, KeyProvider keys) throws IOException {
        this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        this.keys = Objects.requireNonNull(keys, "keys");
        this.mapper = JsonMapper.builder()
                // a parse error must not quote the decrypted text: it holds tokens
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        SecureFiles.createPrivateDirectories(this.folder);
        if (!Files.isDirectory(this.folder)) {
            throw new IOException("The token store folder " + this.folder + " is not a folder");
        }
        removeLeftoverTemporaryFiles();
    }

    @Override
    public TokenRecord load(String slot) throws IOException {
        checkSlot(slot);
        ensureOpen();
        synchronized (lockOf(slot)) {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(fileOf(slot))) {
                bytes = in.readNBytes(MAX_FILE_LENGTH + 1);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new StoreUnreadableException(slot, "the file cannot be read (" + e + ")", e);
            }
            if (bytes.length > MAX_FILE_LENGTH) {
                throw new StoreUnreadableException(slot, "the file is larger than a token record can be");
            }
            return decode(slot, bytes);
        }
    }

    @Override
    public List<String> slots() throws IOException {
        ensureOpen();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String slot = name.substring(0, name.length() - SUFFIX.length());
                if (Slot.isValid(slot) && Files.isRegularFile(file)) {
                    names.add(slot);
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void save(TokenRecord record) throws IOException {
        Objects.requireNonNull(record, "record");
        String slot = record.slot();
        checkSlot(slot);
        ensureOpen();
        byte[] bytes = encode(record);
        synchronized (lockOf(slot)) {
            Path temp = null;
            try {
                temp = SecureFiles.createPrivateTempFile(folder, "." + slot + ".", TEMP_SUFFIX);
                SecureFiles.writeDurably(temp, bytes);
                Files.move(temp, fileOf(slot), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                temp = null;
            } catch (IOException e) {
                throw new IOException("The token of slot '" + slot + "' could not be saved in " + folder + ": "
                        + e.getMessage(), e);
            } finally {
                if (temp != null) {
                    deleteQuietly(temp);
                }
            }
            SecureFiles.fsyncDirectory(folder);
        }
    }

    @Override
    public void delete(String slot) throws IOException {
        checkSlot(slot);
        ensureOpen();
        synchronized (lockOf(slot)) {
            if (Files.deleteIfExists(fileOf(slot))) {
                SecureFiles.fsyncDirectory(folder);
            }
        }
    }

    /** Further calls fail; the cached key is dropped so a closed store keeps no reference to it. */
    @Override
    public void close() {
        closed = true;
        key = null;
    }

    @Override
    public String toString() {
        return "EncryptedFileStore[" + folder + "]";
    }

    private void removeLeftoverTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".*" + TEMP_SUFFIX)) {
            for (Path file : files) {
                deleteQuietly(file);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is harmless: slots() ignores it and the next start tries again
        }
    }

    private byte[] encode(TokenRecord r) throws IOException {
        ObjectNode node = mapper.createObjectNode();
        node.put("slot", r.slot());
        node.put("provider", r.provider());
        node.put("account", r.account());
        node.put("refreshToken", r.refreshToken());
        node.put("accessToken", r.accessToken());
        node.put("accessExpiresAt", r.accessExpiresAt());
        node.put("retrievedAt", r.retrievedAt());
        node.put("scope", r.scope());
        node.put("invalid", r.invalid());
        node.put("invalidCode", r.invalidCode());
        node.put("invalidMessage", r.invalidMessage());
        byte[] plain = mapper.writeValueAsBytes(node);
        try {
            byte[] iv = new byte[IV_LENGTH];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(r.slot()));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[HEADER_LENGTH + IV_LENGTH + sealed.length];
            writeHeader(out);
            System.arraycopy(iv, 0, out, HEADER_LENGTH, IV_LENGTH);
            System.arraycopy(sealed, 0, out, HEADER_LENGTH + IV_LENGTH, sealed.length);
            return out;
        } catch (InvalidKeyException e) {
            throw new IOException("The device key cannot be used for AES-GCM (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM encryption is not available: " + e.getMessage(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private TokenRecord decode(String slot, byte[] bytes) throws IOException {
        if (bytes.length < MIN_LENGTH) {
            throw new StoreUnreadableException(slot, "the file is empty or truncated");
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new StoreUnreadableException(slot, "the file is not a token record");
        }
        if (bytes[MAGIC.length] != FORMAT_VERSION) {
            throw new StoreUnreadableException(slot,
                    "the file has format version " + (bytes[MAGIC.length] & 0xff) + ", which this firmware does not know");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, bytes, HEADER_LENGTH, IV_LENGTH));
            cipher.updateAAD(aad(slot));
            plain = cipher.doFinal(bytes, HEADER_LENGTH + IV_LENGTH, bytes.length - HEADER_LENGTH - IV_LENGTH);
        } catch (AEADBadTagException e) {
            throw new StoreUnreadableException(slot, "it does not decrypt with the device key (the key changed, "
                    + "the file is damaged, or it was copied from another slot)");
        } catch (InvalidKeyException e) {
            throw new IOException("The device key cannot be used for AES-GCM (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM decryption is not available: " + e.getMessage(), e);
        }
        try {
            return parse(slot, plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private TokenRecord parse(String slot, byte[] plain) throws StoreUnreadableException {
        JsonNode node;
        try {
            node = mapper.readTree(plain);
        } catch (IOException e) {
            // no cause: Jackson's message may quote the text it choked on, which is a token
            throw new StoreUnreadableException(slot, "the decrypted record is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new StoreUnreadableException(slot, "the decrypted record is not a JSON object");
        }
        String storedSlot = text(slot, node, "slot");
        if (!slot.equals(storedSlot)) {
            throw new StoreUnreadableException(slot, "the record names another slot");
        }
        return new TokenRecord(slot, text(slot, node, "provider"), text(slot, node, "account"),
                text(slot, node, "refreshToken"), text(slot, node, "accessToken"),
                number(slot, node, "accessExpiresAt"), number(slot, node, "retrievedAt"), text(slot, node, "scope"),
                flag(slot, node, "invalid"), text(slot, node, "invalidCode"), text(slot, node, "invalidMessage"));
    }

    private static String text(String slot, JsonNode record, String field) throws StoreUnreadableException {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new StoreUnreadableException(slot, "the record's field '" + field + "' is not text");
        }
        return value.textValue();
    }

    private static long number(String slot, JsonNode record, String field) throws StoreUnreadableException {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new StoreUnreadableException(slot, "the record's field '" + field + "' is not a whole number");
        }
        return value.longValue();
    }

    private static boolean flag(String slot, JsonNode record, String field) throws StoreUnreadableException {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new StoreUnreadableException(slot, "the record's field '" + field + "' is not true or false");
        }
        return value.booleanValue();
    }

    private static void writeHeader(byte[] out) {
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[MAGIC.length] = FORMAT_VERSION;
    }

    /** The header and the slot name: authenticated, not encrypted. */
    private static byte[] aad(String slot) {
        byte[] name = slot.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = new byte[HEADER_LENGTH + name.length];
        writeHeader(aad);
        System.arraycopy(name, 0, aad, HEADER_LENGTH, name.length);
        return aad;
    }

    private SecretKey key() throws IOException {
        SecretKey cached = key;
        if (cached != null) {
            return cached;
        }
        synchronized (keyLock) {
            if (key == null) {
                SecretKey fresh = keys.deviceKey();
                if (fresh == null) {
                    throw new IOException("The key provider gave no device key");
                }
                key = fresh;
            }
            return key;
        }
    }

    private Object lockOf(String slot) {
        return slotLocks.computeIfAbsent(slot, s -> new Object());
    }

    private Path fileOf(String slot) {
        return folder.resolve(slot + SUFFIX);
    }

    /** File names come from slot names, so anything but a well-formed one could escape the folder. */
    private static void checkSlot(String slot) {
        if (!Slot.isValid(slot)) {
            throw new IllegalArgumentException("Not a token slot name: a slot is 'smtp' or 'pop-<id>' with <id> "
                    + "matching [a-z0-9-]{1,32}");
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("The token store " + folder + " is closed");
        }
    }
}
