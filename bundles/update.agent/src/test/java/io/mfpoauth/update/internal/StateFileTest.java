package io.mfpoauth.update.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mfpoauth.update.internal.FeatureRecord.BundleRecord;
import io.mfpoauth.update.internal.FeatureRecord.ConfigRecord;

class StateFileTest {

    @TempDir
    Path folder;

    private static final FeatureRecord GOOGLE = new FeatureRecord("io.mfpoauth:provider-google:0.1.0", "Google",
            1_700_000_000_000L, "provider-google-0.1.0.zip",
            List.of(new BundleRecord("io.mfpoauth.provider.google", "0.1.0", true),
                    new BundleRecord("io.mfpoauth.token.api", "0.1.0", false)),
            List.of(new ConfigRecord("io.mfpoauth.provider.google", true), new ConfigRecord("a.factory~one", false)));

    @Test
    void noFileMeansNoFeatures() throws IOException {
        assertThat(new StateFile(folder.resolve("features/installed.json")).read()).isEmpty();
    }

    @Test
    void writesAndReadsBack() throws IOException {
        StateFile state = new StateFile(folder.resolve("features/installed.json"));
        FeatureRecord other = new FeatureRecord("a:b:2", "b", 1L, "b-2.zip", List.of(), List.of());
        state.write(List.of(GOOGLE, other));
        assertThat(state.read()).containsExactly(GOOGLE, other);
        assertThat(Files.readString(state.path())).contains("\"format\" : 1").contains("\"owned\" : true");
    }

    @Test
    void replacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        StateFile state = new StateFile(folder.resolve("installed.json"));
        state.write(List.of(GOOGLE));
        state.write(List.of());
        assertThat(state.read()).isEmpty();
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("installed.json");
        }
    }

    @Test
    void refusesADamagedFile() throws IOException {
        StateFile state = new StateFile(folder.resolve("installed.json"));
        Files.writeString(state.path(), "{\"format\": 1, \"features\": [");
        assertThatThrownBy(state::read).isInstanceOf(IOException.class).hasMessageContaining("is not valid JSON");
        Files.writeString(state.path(), "{\"format\": 2, \"features\": []}");
        assertThatThrownBy(state::read).isInstanceOf(IOException.class).hasMessageContaining("reads format 1");
        Files.writeString(state.path(), "{\"format\": 1, \"features\": [{\"id\": \"x\"}]}");
        assertThatThrownBy(state::read).isInstanceOf(IOException.class).hasMessageContaining("invalid feature");
    }

    @Test
    void recordsKnowWhatTheyOwnAndCreated() {
        assertThat(GOOGLE.key()).isEqualTo("io.mfpoauth:provider-google");
        assertThat(GOOGLE.version()).isEqualTo("0.1.0");
        assertThat(GOOGLE.owns("io.mfpoauth.provider.google", "0.1.0")).isTrue();
        assertThat(GOOGLE.owns("io.mfpoauth.token.api", "0.1.0")).isFalse();
        assertThat(GOOGLE.uses("io.mfpoauth.token.api", "0.1.0")).isTrue();
        assertThat(GOOGLE.owning("io.mfpoauth.token.api", "0.1.0").owns("io.mfpoauth.token.api", "0.1.0")).isTrue();
        assertThat(GOOGLE.created("io.mfpoauth.provider.google")).isTrue();
        assertThat(GOOGLE.created("a.factory~one")).isFalse();
    }
}
