package io.mfpoauth.itest.update;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.FirmwareSupport.ExportedBundle;

import org.ops4j.pax.exam.Option;

/**
 * Options and archives for the update agent's tests: the firmware without the provider the test installs, the
 * provider's feature archive as the build made it, and small archives built on the spot.
 */
final class UpdateSupport {

    private UpdateSupport() {
    }

    /**
     * The provider feature the test installs: Google's, unless its bundle has no code yet (no components) and
     * another provider's has. Decided from the exported jars alone, so the test's configuration (which leaves the
     * bundle out) and the test itself (which installs it) agree.
     */
    record Provider(String feature, String symbolicName) {

        private static final List<Provider> CANDIDATES = List.of(
            new Provider("provider-google", "io.mfpoauth.provider.google"),
            new Provider("provider-microsoft", "io.mfpoauth.provider.microsoft"),
            new Provider("provider-oidc", "io.mfpoauth.provider.oidc"));

        static Provider choose() {
            Map<String, Attributes> manifests = new LinkedHashMap<>();
            for (ExportedBundle b : FirmwareSupport.Export.read().bundles()) {
                manifests.put(b.symbolicName(), manifest(b.jar()));
            }
            for (Provider candidate : CANDIDATES) {
                Attributes manifest = manifests.get(candidate.symbolicName());
                // With components, and exporting nothing another bundle could need while it is away.
                if (manifest != null && manifest.getValue("Service-Component") != null
                        && manifest.getValue("Export-Package") == null) {
                    return candidate;
                }
            }
            return CANDIDATES.get(0);
        }

        /** {@code features/target/archives/<feature>-<version>.zip}, as the build made it. */
        Path archive() {
            Path archives = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "archives");
            try (Stream<Path> files = Files.list(archives)) {
                List<Path> found = files.filter(f -> f.getFileName().toString().matches(
                        java.util.regex.Pattern.quote(feature) + "-\\d.*\\.zip")).toList();
                if (found.size() != 1) {
                    throw new IllegalStateException("Expected one archive of " + feature + " in " + archives + ", found " + found);
                }
                return found.get(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A fresh folder for the archives a test builds. */
    static Path folder(String name) throws IOException {
        Path parent = Paths.get(System.getProperty(FirmwareSupport.TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, name + "-");
    }

    /** A bundle jar made of a manifest only; {@code importPackage} may be null. */
    static byte[] bundleJar(String symbolicName, String version, String importPackage) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        if (importPackage != null) {
            main.putValue("Import-Package", importPackage);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("README.txt"));
            jar.write(("Test bundle " + symbolicName + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Writes a zip of these entries, in this order. */
    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static Attributes manifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
