package io.mfpoauth.settings.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {

    @TempDir
    Path data;

    @Test
    void theFolderIsConfigUnderTheDataFolderWithTheTokenServicesFallback() {
        assertThat(SettingsStore.folder(data.toString())).isEqualTo(data.toAbsolutePath().resolve("config"));
        assertThat(SettingsStore.folder(null)).isEqualTo(Path.of("data").toAbsolutePath().resolve("config"));
        assertThat(SettingsStore.folder(" ")).isEqualTo(Path.of("data").toAbsolutePath().resolve("config"));
    }

    @Test
    @SuppressWarnings({ "rawtypes", "unchecked" })
    void aStoredConfigurationIsReadBackByTheNextStart() throws Exception {
        Path folder = SettingsStore.folder(data.toString());
        Dictionary<String, Object> smtp = new Hashtable<>();
        smtp.put("service.pid", "io.mfpoauth.mail.smtp");
        smtp.put("server", "smtp.office365.com");
        smtp.put("port", 587);
        new SettingsStore(null, folder).store("io.mfpoauth.mail.smtp", smtp);
        assertThat(Files.isDirectory(folder)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");

        SettingsStore next = new SettingsStore(null, folder);
        assertThat(next.exists("io.mfpoauth.mail.smtp")).isTrue();
        Dictionary loaded = next.load("io.mfpoauth.mail.smtp");
        assertThat(loaded.get("server")).isEqualTo("smtp.office365.com");
        assertThat(loaded.get("port")).isEqualTo(587);
        assertThat(Collections.list(next.getDictionaries())).hasSize(1);

        next.delete("io.mfpoauth.mail.smtp");
        assertThat(new SettingsStore(null, folder).exists("io.mfpoauth.mail.smtp")).isFalse();
    }
}
