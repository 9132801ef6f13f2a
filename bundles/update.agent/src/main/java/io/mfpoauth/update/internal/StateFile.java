package io.mfpoauth.update.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.mfpoauth.update.internal.FeatureRecord.BundleRecord;
import io.mfpoauth.update.internal.FeatureRecord.ConfigRecord;

/**
 * The list of installed features, as a small JSON file ({@code installed.json} in the agent's folder), written
 * atomically: a temporary file next to it, forced to the disk, renamed over the old one, and the folder forced, so
 * that a power cut leaves either the old list or the new one.
 */
final class StateFile {

    /** Format of the file; a reader refuses a newer one rather than misreading it. */
    static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The features in the file; none when there is no file yet. */
    List<FeatureRecord> read() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + " does not hold a JSON object");
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IOException(file + " has format " + root.path("format") + "; this agent reads format " + FORMAT);
        }
        List<FeatureRecord> features = new ArrayList<>();
        try {
            for (JsonNode feature : root.path("features")) {
                List<BundleRecord> bundles = new ArrayList<>();
                for (JsonNode bundle : feature.path("bundles")) {
                    bundles.add(new BundleRecord(text(bundle, "symbolicName"), text(bundle, "version"),
                            bundle.path("owned").asBoolean()));
                }
                List<ConfigRecord> configurations = new ArrayList<>();
                for (JsonNode configuration : feature.path("configurations")) {
                    configurations.add(new ConfigRecord(text(configuration, "pid"), configuration.path("created").asBoolean()));
                }
                FeatureRecord record = new FeatureRecord(text(feature, "id"), text(feature, "name"),
                        feature.path("installedAt").asLong(), text(feature, "archive"), bundles, configurations);
                record.coordinates();
                features.add(record);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds an invalid feature: " + e.getMessage());
        }
        return features;
    }

    /** Replaces the file with this list, atomically. */
    void write(List<FeatureRecord> features) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode list = root.putArray("features");
        for (FeatureRecord record : features) {
            ObjectNode feature = list.addObject();
            feature.put("id", record.id());
            feature.put("name", record.name());
            feature.put("installedAt", record.installedAt());
            feature.put("archive", record.archive());
            ArrayNode bundles = feature.putArray("bundles");
            for (BundleRecord bundle : record.bundles()) {
                bundles.addObject().put("symbolicName", bundle.symbolicName()).put("version", bundle.version())
                        .put("owned", bundle.owned());
            }
            ArrayNode configurations = feature.putArray("configurations");
            for (ConfigRecord configuration : record.configurations()) {
                configurations.addObject().put("pid", configuration.pid()).put("created", configuration.created());
            }
        }
        writeAtomically(file, MAPPER.writeValueAsBytes(root));
    }

    /** Writes {@code bytes} to {@code target} so that a crash leaves the old content or the new, never a mix. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = folder.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceFolder(folder);
    }

    /** Makes a rename in {@code folder} durable; some systems cannot open a folder, and then the rename has to do. */
    static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows): the rename itself is atomic, only its durability is the system's.
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        return value.asText();
    }
}
