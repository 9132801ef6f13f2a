package io.mfpoauth.update.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoordinatesTest {

    @Test
    void parsesTheFeatureFormsOfMavenCoordinates() {
        Coordinates plain = Coordinates.parse("io.mfpoauth:provider-google:0.1.0-SNAPSHOT");
        assertThat(plain.key()).isEqualTo("io.mfpoauth:provider-google");
        assertThat(plain.fileName()).isEqualTo("provider-google-0.1.0-SNAPSHOT.jar");
        assertThat(plain).hasToString("io.mfpoauth:provider-google:0.1.0-SNAPSHOT");

        Coordinates full = Coordinates.parse("g:a:osgifeature:cls:1.0");
        assertThat(full.type()).isEqualTo("osgifeature");
        assertThat(full.classifier()).isEqualTo("cls");
        assertThat(full.fileName()).isEqualTo("a-1.0-cls.osgifeature");
        assertThat(full).hasToString("g:a:osgifeature:cls:1.0");
    }

    @Test
    void refusesWhatCouldNameAnotherFile() {
        assertThatThrownBy(() -> Coordinates.parse("g:a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Coordinates.parse("g:../a:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Coordinates.parse("g:a/b:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Coordinates.parse("g::1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Coordinates.parse("g:.a:1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersVersions() {
        assertThat(Coordinates.compareVersions("1.0.0", "1.0.0")).isZero();
        assertThat(Coordinates.compareVersions("1.10.0", "1.9.2")).isPositive();
        assertThat(Coordinates.compareVersions("1.0", "1.0.0")).isZero();
        assertThat(Coordinates.compareVersions("1.0.0", "1.0.0-SNAPSHOT")).isPositive();
        assertThat(Coordinates.compareVersions("0.1.0-SNAPSHOT", "0.2.0-SNAPSHOT")).isNegative();
        assertThat(Coordinates.compareVersions("2.0.0-rc2", "2.0.0-rc1")).isPositive();
    }
}
