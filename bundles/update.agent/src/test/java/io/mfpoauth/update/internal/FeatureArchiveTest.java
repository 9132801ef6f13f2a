package io.mfpoauth.update.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

import io.mfpoauth.update.UpdateException;

class FeatureArchiveTest {

    @TempDir
    Path folder;

    @Test
    void readsAValidArchive() throws Exception {
        try (FeatureArchive archive = FeatureArchive.open(TestArchives.valid().write(folder), Limits.DEFAULT)) {
            FeatureDescription description = archive.description();
            assertThat(description.id().toString()).isEqualTo("io.example:demo:1.0.0");
            assertThat(description.displayName()).isEqualTo("Demo");
            assertThat(archive.bundles()).extracting(ArchivedBundle::symbolicName)
                    .containsExactly("io.example.one", "io.example.two");
            assertThat(archive.bundles().get(1).version()).isEqualTo(new Version(2, 0, 0));
            assertThat(archive.bundles().get(1).entry()).isEqualTo("bundles/two-2.0.0.jar");
            assertThat(description.configurations()).containsOnlyKeys("io.example.pid", "io.example.factory~x");
            assertThat(description.configurations().get("io.example.pid")).containsEntry("a", 1L);
            try (InputStream in = archive.open(archive.bundles().get(0))) {
                assertThat(in.readAllBytes()).isEqualTo(TestArchives.bundle("io.example.one", "1.0.0"));
            }
        }
    }

    @Test
    void refusesZipSlip() throws Exception {
        assertRefused(TestArchives.valid().entry("../evil.jar", new byte[1]), "climbs out of the archive");
        assertRefused(TestArchives.valid().entry("bundles/../../evil.jar", new byte[1]), "climbs out of the archive");
        assertRefused(TestArchives.valid().entry("/etc/passwd", new byte[1]), "absolute path");
        assertRefused(TestArchives.valid().entry("C:/evil.jar", new byte[1]), "absolute path");
        assertRefused(TestArchives.valid().entry("bundles\\..\\evil.jar", new byte[1]), "uses '\\'");
        assertRefused(TestArchives.valid().entry("bundles//x.jar", new byte[1]), "empty or \".\" folder");
    }

    @Test
    void refusesEntriesThatAreNotTheFeaturesOrItsBundles() throws Exception {
        assertRefused(TestArchives.valid().entry("README.txt", new byte[1]), "holds README.txt");
        assertRefused(TestArchives.valid().entry("bundles/sub/x.jar", new byte[1]), "holds bundles/sub/x.jar");
        assertRefused(TestArchives.valid().entry("bundles/extra-1.0.jar", TestArchives.bundle("x", "1.0")),
                "bundles/extra-1.0.jar is not listed in feature.json");
    }

    @Test
    void refusesAMissingJar() throws Exception {
        assertRefused(TestArchives.valid().without("bundles/two-2.0.0.jar"),
                "feature.json lists io.example:two:2.0.0 but the archive has no bundles/two-2.0.0.jar");
    }

    @Test
    void refusesAJarThatIsNoBundle() throws Exception {
        assertRefused(TestArchives.valid().entry("bundles/two-2.0.0.jar", TestArchives.bundle(null, "2.0.0")),
                "is not an OSGi bundle");
        assertRefused(TestArchives.valid().entry("bundles/two-2.0.0.jar", "not a jar".getBytes(StandardCharsets.UTF_8)),
                "is not an OSGi bundle");
        assertRefused(TestArchives.valid().entry("bundles/two-2.0.0.jar", TestArchives.bundle("x", "1.x.y.z")),
                "invalid Bundle-Version");
    }

    @Test
    void refusesADescriptionThatIsNotJson() throws Exception {
        assertRefused(TestArchives.valid().json("{ \"id\": \"io.example:demo:1.0.0\", "), "feature.json is not valid JSON");
        assertRefused(TestArchives.valid().json("<feature/>"), "feature.json is not valid JSON");
        assertRefused(TestArchives.valid().json("[1, 2]"), "must hold a JSON object");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\", \"id\": \"a:b:2\", \"bundles\": []}"),
                "not valid JSON: Duplicate field 'id'");
    }

    @Test
    void refusesADescriptionWithoutIdOrBundles() throws Exception {
        assertRefused(TestArchives.valid().json("{\"bundles\": []}"), "has no \"id\"");
        assertRefused(TestArchives.valid().json("{\"id\": \"only-one-part\", \"bundles\": []}"), "id is not valid");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\"}"), "has no \"bundles\" list");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\", \"bundles\": [42]}"), "must be Maven coordinates");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:../b:1\", \"bundles\": []}"), "id is not valid");
        assertRefused(TestArchives.valid().json("{\"feature-resource-version\": \"2.0\", \"id\": \"a:b:1\", \"bundles\": []}"),
                "feature-resource-version \"2.0\"");
        assertRefused(TestArchives.archive().entry("bundles/", new byte[0]), "has no feature.json");
    }

    @Test
    void refusesBadConfigurations() throws Exception {
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\", \"bundles\": [], \"configurations\": {\"p\": 1}}"),
                "must be an object of properties");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\", \"bundles\": [], \"configurations\": {\"~x\": {}}}"),
                "is not a factory configuration");
        assertRefused(TestArchives.valid().json("{\"id\": \"a:b:1\", \"bundles\": [], \"configurations\": {\"p\": {\"service.pid\": \"q\"}}}"),
                "cannot set");
    }

    @Test
    void refusesTooManyEntries() throws Exception {
        TestArchives archive = TestArchives.valid();
        for (int i = 0; i < 3000; i++) {
            archive.entry("bundles/filler-" + i + ".jar", new byte[0]);
        }
        assertRefused(archive, "it holds 3003 entries; at most 200 are allowed");
    }

    @Test
    void refusesEntriesLargerThanTheLimits() throws Exception {
        Limits small = new Limits(1024 * 1024, 20, 4096, 1024 * 1024, 512);
        // Zeros compress to almost nothing: the archive is small, what it inflates to is not.
        TestArchives bomb = TestArchives.valid().entry("bundles/two-2.0.0.jar", TestArchives.bundle("io.example.two", "2.0.0", 200_000));
        Path file = bomb.write(folder);
        assertThat(Files.size(file)).isLessThan(4096);
        assertThatThrownBy(() -> FeatureArchive.open(file, small)).isInstanceOf(UpdateException.class)
                .hasMessageContaining("bundles/two-2.0.0.jar is 195 KiB, larger than the 4 KiB allowed for a bundle");
        // The same entry claiming to be small: reading it stops at the limit all the same.
        TestArchives.claimSize(file, "bundles/two-2.0.0.jar", 1000);
        assertThatThrownBy(() -> FeatureArchive.open(file, small)).isInstanceOf(UpdateException.class)
                .hasMessageContaining("bundles/two-2.0.0.jar is larger than the 4 KiB allowed");

        TestArchives bigJson = TestArchives.valid().json("{\"id\": \"a:b:1\", \"bundles\": [], \"name\": \"" + "x".repeat(2000) + "\"}");
        assertThatThrownBy(() -> FeatureArchive.open(bigJson.write(folder), small)).isInstanceOf(UpdateException.class)
                .hasMessageContaining("feature.json is larger than the 512 bytes allowed");

        Limits smallTotal = new Limits(1024 * 1024, 20, 1024 * 1024, 150_000, 4096);
        TestArchives two = TestArchives.valid()
                .entry("bundles/one-1.0.0.jar", TestArchives.bundle("io.example.one", "1.0.0", 100_000))
                .entry("bundles/two-2.0.0.jar", TestArchives.bundle("io.example.two", "2.0.0", 100_000));
        assertThatThrownBy(() -> FeatureArchive.open(two.write(folder), smallTotal)).isInstanceOf(UpdateException.class)
                .hasMessageContaining("content is larger than");

        Limits tinyArchive = new Limits(100, 20, 4096, 4096, 512);
        assertThatThrownBy(() -> FeatureArchive.open(TestArchives.valid().write(folder), tinyArchive))
                .isInstanceOf(UpdateException.class).hasMessageContaining("larger than the 100 bytes allowed");
    }

    @Test
    void refusesAFileThatIsNoZip() throws Exception {
        Path file = Files.writeString(folder.resolve("feature.zip"), "{\"id\": \"not a zip\"}");
        assertThatThrownBy(() -> FeatureArchive.open(file, Limits.DEFAULT)).isInstanceOf(UpdateException.class)
                .hasMessageContaining("is not a zip archive");
        assertThatThrownBy(() -> FeatureArchive.open(folder.resolve("missing.zip"), Limits.DEFAULT))
                .isInstanceOf(UpdateException.class).hasMessageContaining("There is no archive");
    }

    @Test
    void refusesTheSameBundleTwice() throws Exception {
        assertRefused(TestArchives.valid().entry("bundles/two-2.0.0.jar", TestArchives.bundle("io.example.one", "1.0.0")),
                "holds io.example.one 1.0.0 twice");
    }

    @Test
    void namesUnsafeEntries() {
        assertThat(FeatureArchive.unsafe("feature.json")).isNull();
        assertThat(FeatureArchive.unsafe("bundles/a-1.jar")).isNull();
        assertThat(FeatureArchive.unsafe("bundles/")).isNull();
        assertThat(FeatureArchive.unsafe("..")).contains("climbs out");
        assertThat(FeatureArchive.unsafe("a/./b")).contains("\".\" folder");
        assertThat(FeatureArchive.unsafe("a\u0000b")).contains("control characters");
    }

    private void assertRefused(TestArchives archive, String message) throws IOException {
        Path file = archive.write(folder);
        assertThatThrownBy(() -> FeatureArchive.open(file, Limits.DEFAULT).close())
                .isInstanceOf(UpdateException.class)
                .hasMessageContaining(message);
    }
}
