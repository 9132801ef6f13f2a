package io.mfpoauth.features.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One feature description of this module ({@code src/main/features/<name>.json}, filtered into
 * {@code target/features/}): its name (the file's), its id and its bundles, read as the OSGi R8 feature format
 * writes them ({@code feature-resource-version} 1.0, bundles as Maven coordinates {@code group:artifact:version}).
 */
public record Feature(String name, String id, String version, List<Artifact> bundles, byte[] json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and checks {@code <name>.json}: its id must be {@code group:<name>:version}, every bundle {@code group:artifact:version}. */
    public static Feature read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".json".length());
        byte[] json = Files.readAllBytes(file);
        JsonNode root = JSON.readTree(json);
        if (!"1.0".equals(root.path("feature-resource-version").asText())) {
            throw new IOException(file + ": \"feature-resource-version\" must be \"1.0\"");
        }
        String id = root.path("id").asText("");
        String[] parts = id.split(":");
        if (parts.length != 3 || !parts[1].equals(name) || id.contains("${")) {
            throw new IOException(file + ": \"id\" must be group:" + name + ":version (the file's name), not \"" + id + "\"");
        }
        List<Artifact> bundles = new ArrayList<>();
        for (JsonNode bundle : root.path("bundles")) {
            bundles.add(Artifact.parse(bundle.isObject() ? bundle.path("id").asText("") : bundle.asText(""), file));
        }
        if (bundles.isEmpty()) {
            throw new IOException(file + ": \"bundles\" lists no bundle");
        }
        return new Feature(name, id, parts[2], List.copyOf(bundles), json);
    }

    /** The features in a folder, by name. */
    public static List<Feature> readAll(Path folder) throws IOException {
        List<Feature> features = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                features.add(read(file));
            }
        }
        if (features.isEmpty()) {
            throw new IOException("No feature descriptions (*.json) in " + folder);
        }
        return features;
    }

    /** The archive a firmware update ships: {@code <name>-<version>.zip}. */
    public String archiveName() {
        return name + "-" + version + ".zip";
    }

    /** A bundle of a feature, by Maven coordinates. */
    public record Artifact(String groupId, String artifactId, String version) {

        static Artifact parse(String coordinates, Path file) throws IOException {
            String[] parts = coordinates.split(":");
            if (parts.length != 3 || coordinates.contains("${")) {
                throw new IOException(file + ": bundle \"" + coordinates + "\" is not group:artifact:version");
            }
            return new Artifact(parts[0], parts[1], parts[2]);
        }

        /** The file name Maven gives it, which is also its entry in an archive ({@code bundles/<fileName>}). */
        public String fileName() {
            return artifactId + "-" + version + ".jar";
        }

        /** Where it lies in a folder with a Maven repository's layout (what maven-dependency-plugin copied). */
        public Path in(Path repository) {
            return repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version).resolve(fileName());
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }

    /** A bundle's identity: {@code Bundle-SymbolicName} (without its attributes) and {@code Bundle-Version}. */
    public record Identity(String symbolicName, String version) implements Comparable<Identity> {

        public static Identity of(Path jar) throws IOException {
            try (JarFile file = new JarFile(jar.toFile())) {
                Attributes main = file.getManifest() == null ? null : file.getManifest().getMainAttributes();
                String bsn = main == null ? null : main.getValue("Bundle-SymbolicName");
                if (bsn == null) {
                    throw new IOException(jar + " is not an OSGi bundle (no Bundle-SymbolicName)");
                }
                return new Identity(bsn.split(";")[0].trim(), normalize(main.getValue("Bundle-Version")));
            }
        }

        /** {@code 2.23} and {@code 2.23.0} are the same OSGi version: compare them in the long form. */
        static String normalize(String version) {
            String[] parts = (version == null ? "0" : version.trim()).split("\\.", 4);
            String[] full = {"0", "0", "0"};
            System.arraycopy(parts, 0, full, 0, Math.min(parts.length, 3));
            return String.join(".", full) + (parts.length == 4 ? "." + parts[3] : "");
        }

        @Override
        public int compareTo(Identity other) {
            int c = symbolicName.compareTo(other.symbolicName);
            return c != 0 ? c : version.compareTo(other.version);
        }

        @Override
        public String toString() {
            return symbolicName + " " + version;
        }
    }
}
