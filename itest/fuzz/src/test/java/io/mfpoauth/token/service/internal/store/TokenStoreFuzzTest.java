package io.mfpoauth.token.service.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A stored token record as the token service reads it back ({@link EncryptedFileStore#load}): either the file's
 * bytes as they are (a damaged or foreign file), or a decrypted record of the fuzzer's choosing sealed with the
 * device key, so the fuzzer reaches the JSON decoding behind AES-GCM.
 *
 * <p>Contract: a {@link TokenRecord} of the slot asked for, or {@link StoreUnreadableException} (the slot then
 * shows Invalid, {@code store_unreadable}); its message never quotes the record's text (it holds tokens).
 *
 * <p>Input: {@code J} then the decrypted record (JSON), or {@code R} then the file's bytes.
 */
class TokenStoreFuzzTest {
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
    private static final byte[] HEADER = { 'M', 'F', 'P', 'T', 1 };
    private static final String MARKER = "SECRET-TOKEN";
    private static Path folder;
    private static EncryptedFileStore store;

    @BeforeAll
    static void open() throws IOException {
        Path work = Files.createDirectories(Path.of("target", "fuzz-work"));
        folder = Files.createTempDirectory(work.toAbsolutePath(), "tokens-");
        store = new EncryptedFileStore(folder, () -> KEY);
    }

    @AfterAll
    static void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    void load(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] rest = java.util.Arrays.copyOfRange(input, 1, input.length);
        byte[] file = input[0] == 'J' ? seal("smtp", rest) : rest;
        Files.write(folder.resolve("smtp.token"), file);
        TokenRecord record;
        try {
            record = store.load("smtp");
        } catch (StoreUnreadableException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().contains(MARKER), "the message quotes the record");
            assertFalse(String.valueOf(e.getCause()).contains(MARKER), "the cause quotes the record");
            return;
        }
        assertNotNull(record);
        assertEquals("smtp", record.slot());
        String shown = record.toString();
        for (String secret : new String[] { record.accessToken(), record.refreshToken() }) {
            if (secret != null && secret.contains(MARKER)) {
                assertFalse(shown.contains(MARKER) && !shownElsewhere(record, MARKER), "toString shows a token");
            }
        }
    }

    private static boolean shownElsewhere(TokenRecord r, String text) {
        return Stream.of(r.provider(), r.account(), r.scope(), r.invalidCode())
                .anyMatch(s -> s != null && s.contains(text));
    }

    /** The store's own format: header, 12-byte IV, AES-GCM of the JSON with the header and slot as AAD. */
    private static byte[] seal(String slot, byte[] plain) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, KEY, new GCMParameterSpec(128, iv));
        byte[] name = slot.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = new byte[HEADER.length + name.length];
        System.arraycopy(HEADER, 0, aad, 0, HEADER.length);
        System.arraycopy(name, 0, aad, HEADER.length, name.length);
        cipher.updateAAD(aad);
        byte[] sealed = cipher.doFinal(plain);
        byte[] out = new byte[HEADER.length + iv.length + sealed.length];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        System.arraycopy(sealed, 0, out, HEADER.length + iv.length, sealed.length);
        return out;
    }
}
