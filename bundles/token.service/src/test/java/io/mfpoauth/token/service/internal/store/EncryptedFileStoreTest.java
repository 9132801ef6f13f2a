package io.mfpoauth.token.service.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.mfpoauth.token.spi.KeyProvider;

class EncryptedFileStoreTest {
    private static final String CANARY = "CANARY-refresh-5d1e0c";

    @TempDir
    Path temp;

    private Path folder;
    private SecretKey key;
    private final List<EncryptedFileStore> stores = new ArrayList<>();

    @BeforeEach
    void setUp() {
        folder = temp.resolve("tokens");
        key = randomKey();
    }

    @AfterEach
    void tearDown() {
        stores.forEach(EncryptedFileStore::close);
    }

    private EncryptedFileStore open(SecretKey k) throws IOException {
        EncryptedFileStore store = new EncryptedFileStore(folder, () -> k);
        stores.add(store);
        return store;
    }

    private static SecretKey randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }

    private static TokenRecord record(String slot, String refresh) {
        return new TokenRecord(slot, "microsoft", "printer@example.com", refresh, "access-" + refresh,
                1_700_000_000_000L, 1_699_999_000_000L, "https://outlook.office.com/SMTP.Send offline_access", false,
                null, null);
    }

    @Test
    void roundTrip() throws IOException {
        EncryptedFileStore store = open(key);
        TokenRecord smtp = record("smtp", CANARY);
        TokenRecord pop = record("pop-1", "other").withInvalid("invalid_grant", "The grant was revoked");
        store.save(smtp);
        store.save(pop);

        assertThat(store.load("smtp")).isEqualTo(smtp);
        assertThat(store.load("pop-1")).isEqualTo(pop);
        assertThat(store.slots()).containsExactly("pop-1", "smtp");
    }

    @Test
    void nullFieldsRoundTrip() throws IOException {
        EncryptedFileStore store = open(key);
        TokenRecord sparse = new TokenRecord("pop-a", null, null, null, null, 0, 0, null, false, null, null);
        store.save(sparse);
        assertThat(store.load("pop-a")).isEqualTo(sparse);
    }

    @Test
    void saveReplacesAndDeleteRemoves() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("smtp", "first"));
        store.save(record("smtp", "second"));
        assertThat(store.load("smtp").refreshToken()).isEqualTo("second");

        store.delete("smtp");
        assertThat(store.load("smtp")).isNull();
        assertThat(store.slots()).isEmpty();
        store.delete("smtp"); // absent: no error
        store.delete("pop-never");
    }

    @Test
    void missingSlotLoadsAsNull() throws IOException {
        assertThat(open(key).load("pop-x")).isNull();
    }

    @Test
    void survivesARestart() throws IOException {
        EncryptedFileStore first = open(key);
        first.save(record("smtp", CANARY));
        first.close();

        EncryptedFileStore second = open(key);
        assertThat(second.load("smtp")).isEqualTo(record("smtp", CANARY));
    }

    @Test
    void theFileHoldsNoTokenInClear() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("smtp", CANARY));
        byte[] raw = Files.readAllBytes(folder.resolve("smtp.token"));
        String asText = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(asText).doesNotContain(CANARY).doesNotContain("printer@example.com").startsWith("MFPT");
    }

    @Test
    void filesAndFolderAreOwnerOnly() throws IOException {
        assumeThat(SecureFiles.isPosix(temp)).isTrue();
        open(key).save(record("smtp", CANARY));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("smtp.token"))))
                .isEqualTo("rw-------");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "SMTP", "pop-", "pop-UPPER", "pop-a/b", "../smtp", "pop-a.token",
            "imap", "pop-123456789012345678901234567890123"})
    void refusesMalformedSlotNames(String slot) throws IOException {
        EncryptedFileStore store = open(key);
        assertThatThrownBy(() -> store.load(slot)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(slot)).isInstanceOf(IllegalArgumentException.class);
        if (slot != null) {
            assertThatThrownBy(() -> store.save(record(slot, "x"))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void randomBytesAreUnreadableForThatSlotOnly() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("pop-good", "fine"));
        byte[] junk = new byte[200];
        new SecureRandom().nextBytes(junk);
        Files.write(folder.resolve("smtp.token"), junk);

        assertUnreadable(store, "smtp");
        assertThat(store.load("pop-good").refreshToken()).isEqualTo("fine");
        assertThat(store.slots()).containsExactly("pop-good", "smtp");
    }

    @Test
    void truncatedFileIsUnreadable() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("smtp", CANARY));
        Path file = folder.resolve("smtp.token");
        byte[] raw = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(raw, raw.length - 5));
        assertUnreadable(store, "smtp");

        Files.write(file, Arrays.copyOf(raw, 10));
        assertUnreadable(store, "smtp");

        Files.write(file, new byte[0]);
        assertUnreadable(store, "smtp");
    }

    @Test
    void flippedBitIsUnreadable() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("smtp", CANARY));
        Path file = folder.resolve("smtp.token");
        for (int position : new int[] {4, 8, 30, -1}) {
            byte[] raw = Files.readAllBytes(file);
            byte[] damaged = raw.clone();
            int at = position < 0 ? raw.length - 1 : position;
            damaged[at] ^= 0x01;
            Files.write(file, damaged);
            assertUnreadable(store, "smtp");
            Files.write(file, raw);
            assertThat(store.load("smtp")).isEqualTo(record("smtp", CANARY));
        }
    }

    @Test
    void recordCopiedOntoAnotherSlotIsUnreadable() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("pop-a", "token-of-a"));
        store.save(record("pop-b", "token-of-b"));
        Files.copy(folder.resolve("pop-a.token"), folder.resolve("pop-b.token"), StandardCopyOption.REPLACE_EXISTING);

        assertUnreadable(store, "pop-b");
        assertThat(store.load("pop-a").refreshToken()).isEqualTo("token-of-a");
    }

    @Test
    void saveReplacesAnUnreadableFile() throws IOException {
        EncryptedFileStore store = open(key);
        Files.createDirectories(folder);
        Files.write(folder.resolve("smtp.token"), "garbage".getBytes(StandardCharsets.US_ASCII));
        assertUnreadable(store, "smtp");

        store.save(record("smtp", CANARY));
        assertThat(store.load("smtp")).isEqualTo(record("smtp", CANARY));
    }

    @Test
    void anotherKeyCannotRead() throws IOException {
        open(key).save(record("smtp", CANARY));
        EncryptedFileStore withOtherKey = open(randomKey());
        assertUnreadable(withOtherKey, "smtp");
    }

    @Test
    void unknownFormatVersionIsUnreadable() throws IOException {
        EncryptedFileStore store = open(key);
        store.save(record("smtp", CANARY));
        Path file = folder.resolve("smtp.token");
        byte[] raw = Files.readAllBytes(file);
        raw[4] = 9;
        Files.write(file, raw);
        assertThatThrownBy(() -> store.load("smtp")).isInstanceOf(StoreUnreadableException.class)
                .hasMessageContaining("format version 9");
    }

    private void assertUnreadable(EncryptedFileStore store, String slot) throws IOException {
        Path file = folder.resolve(slot + ".token");
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> store.load(slot))
                .isInstanceOfSatisfying(StoreUnreadableException.class, e -> assertThat(e.slot()).isEqualTo(slot))
                .hasMessageContaining("'" + slot + "'")
                .hasMessageNotContaining(CANARY);
        // left in place for a later save (or a restored key) to deal with
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void leftoverTemporaryFilesAreRemovedAtStartAndIgnored() throws IOException {
        Files.createDirectories(folder);
        Path leftover = folder.resolve(".smtp.8271635.tmp");
        Files.write(leftover, new byte[] {1, 2, 3});

        EncryptedFileStore store = open(key);
        assertThat(leftover).doesNotExist();

        Path appearedLater = folder.resolve(".pop-a.555.tmp");
        Files.write(appearedLater, new byte[] {1});
        Files.write(folder.resolve("notes.txt"), new byte[] {1});
        Files.write(folder.resolve("Bad_Name.token"), new byte[] {1});
        assertThat(store.slots()).isEmpty();

        store.save(record("smtp", "x"));
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("smtp.token", ".pop-a.555.tmp", "notes.txt", "Bad_Name.token");
        }
    }

    @Test
    void theKeyIsAskedForOnce() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        KeyProvider counting = () -> {
            calls.incrementAndGet();
            return key;
        };
        EncryptedFileStore store = new EncryptedFileStore(folder, counting);
        stores.add(store);
        store.save(record("smtp", "a"));
        store.save(record("pop-1", "b"));
        store.load("smtp");
        store.load("pop-1");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailingKeyProviderIsRetriedLater() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        KeyProvider flaky = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("secure element busy");
            }
            return key;
        };
        EncryptedFileStore store = new EncryptedFileStore(folder, flaky);
        stores.add(store);
        assertThatThrownBy(() -> store.save(record("smtp", "a"))).isInstanceOf(IOException.class)
                .hasMessageContaining("secure element busy");
        store.save(record("smtp", "a"));
        assertThat(store.load("smtp").refreshToken()).isEqualTo("a");
    }

    @Test
    void aClosedStoreRefusesWork() throws IOException {
        EncryptedFileStore store = open(key);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.load("smtp")).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.save(record("smtp", "a"))).isInstanceOf(IOException.class);
    }

    @Test
    void concurrentSavesLeaveAReadableRecord() throws Exception {
        EncryptedFileStore store = open(key);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String slot = i % 2 == 0 ? "smtp" : "pop-x";
                String value = "v" + i;
                done.add(pool.submit(() -> {
                    store.save(record(slot, value));
                    return store.load(slot);
                }));
            }
            for (Future<?> f : done) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.load("smtp").refreshToken()).startsWith("v");
        assertThat(store.load("pop-x").refreshToken()).startsWith("v");
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("smtp.token",
                    "pop-x.token");
        }
    }
}
