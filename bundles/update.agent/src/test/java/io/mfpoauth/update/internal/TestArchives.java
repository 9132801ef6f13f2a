package io.mfpoauth.update.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds feature archives (and the bundles in them) for the tests, entry by entry. */
final class TestArchives {

    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    static TestArchives archive() {
        return new TestArchives();
    }

    /** A valid archive of feature {@code io.example:demo:1.0.0} with the bundles {@code io.example:one:1.0.0} and {@code two}. */
    static TestArchives valid() {
        return archive()
                .json("""
                        {
                          "feature-resource-version": "1.0",
                          "id": "io.example:demo:1.0.0",
                          "name": "Demo",
                          "bundles": [ {"id": "io.example:one:1.0.0"}, "io.example:two:2.0.0" ],
                          "configurations": { "io.example.pid": { "a": 1 }, "io.example.factory~x": { "b": "y" } }
                        }
                        """)
                .entry("bundles/one-1.0.0.jar", bundle("io.example.one", "1.0.0"))
                .entry("bundles/two-2.0.0.jar", bundle("io.example.two", "2.0.0"));
    }

    TestArchives json(String json) {
        return entry(FeatureArchive.DESCRIPTOR, json.getBytes(StandardCharsets.UTF_8));
    }

    TestArchives entry(String name, byte[] content) {
        entries.put(name, content);
        return this;
    }

    TestArchives without(String name) {
        entries.remove(name);
        return this;
    }

    Path write(Path folder) throws IOException {
        Path file = Files.createTempFile(folder, "feature-", ".zip");
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        }
        return file;
    }

    void write(OutputStream out) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
    }

    /**
     * Rewrites the uncompressed size the archive's central directory gives for {@code entryName}: a hostile archive
     * can claim a small size for an entry that inflates to a large one.
     */
    static void claimSize(Path file, String entryName, int claimed) throws IOException {
        byte[] zip = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 < zip.length; i++) {
            if (buffer.getInt(i) == 0x02014b50 && buffer.getShort(i + 28) == name.length
                    && Arrays.equals(zip, i + 46, i + 46 + name.length, name, 0, name.length)) {
                buffer.putInt(i + 24, claimed);
                Files.write(file, zip);
                return;
            }
        }
        throw new AssertionError(entryName + " is not in " + file);
    }

    /** A bundle jar with just a manifest (and {@code padding} bytes of zeros in one stored entry). */
    static byte[] bundle(String symbolicName, String version, int padding) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        if (symbolicName != null) {
            main.putValue("Bundle-SymbolicName", symbolicName);
        }
        main.putValue("Bundle-Version", version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            if (padding > 0) {
                // Stored, not deflated: the jar is as large as its padding, and the archive's deflation shrinks it.
                byte[] zeros = new byte[padding];
                JarEntry entry = new JarEntry("padding.bin");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(padding);
                CRC32 crc = new CRC32();
                crc.update(zeros);
                entry.setCrc(crc.getValue());
                jar.putNextEntry(entry);
                jar.write(zeros);
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static byte[] bundle(String symbolicName, String version) {
        return bundle(symbolicName, version, 0);
    }
}
