package io.mfpoauth.token.service.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileKeyProviderTest {
    @TempDir
    Path temp;

    @Test
    void createsAnOwnerOnlyKeyOnFirstUse() throws IOException {
        Path keyFile = temp.resolve("keys/device.key");
        SecretKey key = new FileKeyProvider(keyFile).deviceKey();

        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).hasSize(32);
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(key.getEncoded());
        try (var files = Files.list(keyFile.getParent())) {
            assertThat(files).containsExactly(keyFile); // no temporary file left
        }
        assumeThat(SecureFiles.isPosix(temp)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void theKeyIsStableAcrossInstancesAndCached() throws IOException {
        Path keyFile = temp.resolve("device.key");
        FileKeyProvider first = new FileKeyProvider(keyFile);
        SecretKey key = first.deviceKey();
        assertThat(first.deviceKey()).isSameAs(key);
        assertThat(new FileKeyProvider(keyFile).deviceKey().getEncoded()).isEqualTo(key.getEncoded());
    }

    @Test
    void concurrentFirstUsesAgreeOnOneKey() throws Exception {
        Path keyFile = temp.resolve("device.key");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> keys = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<byte[]> read = () -> new FileKeyProvider(keyFile).deviceKey().getEncoded();
                keys.add(pool.submit(read));
            }
            byte[] onDisk = null;
            for (Future<byte[]> k : keys) {
                byte[] bytes = k.get();
                onDisk = onDisk == null ? Files.readAllBytes(keyFile) : onDisk;
                assertThat(bytes).isEqualTo(onDisk);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 31, 33, 64})
    void aKeyFileOfTheWrongSizeIsRefusedAndKept(int size) throws IOException {
        Path keyFile = temp.resolve("device.key");
        byte[] content = new byte[size];
        Files.write(keyFile, content);

        assertThatThrownBy(() -> new FileKeyProvider(keyFile).deviceKey()).isInstanceOf(IOException.class)
                .hasMessageContaining(keyFile.toString()).hasMessageContaining("instead of 32");
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(content);
    }

    @Test
    void storesWrittenWithTheKeyFileReadAfterARestart() throws IOException {
        Path keyFile = temp.resolve("device.key");
        Path folder = temp.resolve("tokens");
        TokenRecord record = new TokenRecord("smtp", "google", "a@example.com", "r", "a", 1, 2, null, false, null,
                null);
        try (EncryptedFileStore store = new EncryptedFileStore(folder, new FileKeyProvider(keyFile))) {
            store.save(record);
        }
        try (EncryptedFileStore store = new EncryptedFileStore(folder, new FileKeyProvider(keyFile))) {
            assertThat(store.load("smtp")).isEqualTo(record);
        }
    }
}
