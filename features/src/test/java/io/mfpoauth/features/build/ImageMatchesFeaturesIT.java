package io.mfpoauth.features.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * No drift between the image and the features: the bundles the build exported as the firmware image
 * ({@code target/export/firmware/*.jar}) are exactly the union of the bundles of the features, each read from the
 * feature's archive ({@code target/archives/<name>-<version>.zip}), compared by symbolic name and version. Runs by
 * failsafe after {@code package}, when the image and the archives exist.
 */
class ImageMatchesFeaturesIT {

    private static final Path TARGET = Paths.get(System.getProperty("mfpoauth.features.target", "target"));

    @Test
    void theImageIsTheUnionOfTheFeatures() throws IOException {
        Set<Feature.Identity> image = new TreeSet<>();
        try (var jars = Files.list(TARGET.resolve("export").resolve("firmware"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                image.add(Feature.Identity.of(jar));
            }
        }
        assertThat(image).as("exported image").isNotEmpty();

        Map<Feature.Identity, String> features = new TreeMap<>();
        for (Feature feature : Feature.readAll(TARGET.resolve("features"))) {
            for (Feature.Identity bundle : archivedBundles(TARGET.resolve("archives").resolve(feature.archiveName()))) {
                features.merge(bundle, feature.name(), (a, b) -> a + ", " + b);
            }
        }

        List<String> drift = new ArrayList<>();
        for (Feature.Identity bundle : image) {
            if (!features.containsKey(bundle)) {
                drift.add("  in the image but in no feature: " + bundle);
            }
        }
        for (Map.Entry<Feature.Identity, String> bundle : features.entrySet()) {
            if (!image.contains(bundle.getKey())) {
                drift.add("  in feature " + bundle.getValue() + " but not in the image: " + bundle.getKey());
            }
        }
        if (!drift.isEmpty()) {
            fail("The firmware image (target/export/firmware) and the features (src/main/features) differ:\n"
                    + String.join("\n", drift)
                    + "\nThe image is resolved from the features' bundles (firmware.bndrun includes target/features.bnd):"
                    + " a bundle only in the image was added by the resolver because a bundle needs it; add it to the"
                    + " feature that needs it (and to features/pom.xml).");
        }
    }

    @Test
    void everyArchiveHoldsItsFeatureAndExactlyItsBundles() throws IOException {
        for (Feature feature : Feature.readAll(TARGET.resolve("features"))) {
            Path archive = TARGET.resolve("archives").resolve(feature.archiveName());
            assertThat(archive).as("archive of feature " + feature.name()).isRegularFile();
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                Set<String> names = new TreeSet<>();
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                    names.add(e.nextElement().getName());
                }
                Set<String> expected = new TreeSet<>(Set.of("feature.json", "bundles/"));
                feature.bundles().forEach(b -> expected.add("bundles/" + b.fileName()));
                assertThat(names).as(archive.getFileName() + " entries").isEqualTo(expected);
                try (InputStream in = zip.getInputStream(zip.getEntry("feature.json"))) {
                    assertThat(in.readAllBytes()).as(archive.getFileName() + " feature.json").isEqualTo(feature.json());
                }
            }
        }
    }

    @Test
    void theFeaturesHaveNoUnfilteredPlaceholders() throws IOException {
        for (Feature feature : Feature.readAll(TARGET.resolve("features"))) {
            assertThat(new String(feature.json(), java.nio.charset.StandardCharsets.UTF_8))
                    .as("target/features/" + feature.name() + ".json").doesNotContain("${");
        }
    }

    private static List<Feature.Identity> archivedBundles(Path archive) throws IOException {
        List<Feature.Identity> bundles = new ArrayList<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().startsWith("bundles/") || entry.isDirectory()) {
                    continue;
                }
                try (JarInputStream jar = new JarInputStream(zip.getInputStream(entry))) {
                    var main = jar.getManifest().getMainAttributes();
                    bundles.add(new Feature.Identity(main.getValue("Bundle-SymbolicName").split(";")[0].trim(),
                            Feature.Identity.normalize(main.getValue("Bundle-Version"))));
                }
            }
        }
        return bundles;
    }
}
