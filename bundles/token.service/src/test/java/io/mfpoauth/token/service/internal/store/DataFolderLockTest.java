package io.mfpoauth.token.service.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderLockTest {
    @TempDir
    Path temp;

    private String inUse(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        return "The data folder " + abs + " is in use by another running firmware (lock file " + abs.resolve(".lock")
                + "); refusing to start so the token store is not corrupted";
    }

    @Test
    void aSecondAcquireInTheSameJvmIsRefusedUntilClose() throws IOException {
        Path folder = temp.resolve("data/new");
        DataFolderLock lock = DataFolderLock.acquire(folder);
        assertThat(folder.resolve(".lock")).exists();

        assertThatThrownBy(() -> DataFolderLock.acquire(folder)).isInstanceOf(IOException.class)
                .hasMessage(inUse(folder));

        lock.close();
        lock.close(); // idempotent
        try (DataFolderLock again = DataFolderLock.acquire(folder)) {
            assertThat(again.lockFile()).isEqualTo(folder.resolve(".lock").toAbsolutePath());
        }
    }

    @Test
    void anotherProcessCannotLockWhileHeld() throws Exception {
        Path folder = temp.resolve("data");
        try (DataFolderLock lock = DataFolderLock.acquire(folder)) {
            assertThat(probe(lock.lockFile())).isEqualTo("busy");
            // a refused acquire in this JVM closes its own channel: that must not drop the lock held above
            assertThatThrownBy(() -> DataFolderLock.acquire(folder)).isInstanceOf(IOException.class);
            assertThat(probe(lock.lockFile())).isEqualTo("busy");
            assertThatThrownBy(() -> DataFolderLock.acquire(folder)).isInstanceOf(IOException.class)
                    .hasMessage(inUse(folder));
        }
        assertThat(probe(folder.resolve(".lock"))).isEqualTo("locked");
    }

    @Test
    void aLockHeldByAnotherProcessIsRefusedWithTheMessage() throws Exception {
        Path folder = temp.resolve("data");
        DataFolderLock.acquire(folder).close(); // creates the folder
        Process holder = start(folder.resolve(".lock"), "hold");
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("held");

            assertThatThrownBy(() -> DataFolderLock.acquire(folder)).isInstanceOf(IOException.class)
                    .hasMessage(inUse(folder));
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataFolderLock.acquire(folder).close();
    }

    private static Process start(Path lockFile, String... more) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), lockFile.toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String probe(Path lockFile) throws Exception {
        Process process = start(lockFile);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
