package io.mfpoauth.update.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.mfpoauth.update.UpdateException;

/**
 * Reads an OSGi R8 feature description ({@code feature-resource-version} 1.0). The agent uses its {@code id},
 * {@code name}, {@code bundles} (Maven coordinates, as strings or as objects with an {@code id}) and
 * {@code configurations}; other members (description, vendor, variables, extensions, ...) are allowed and ignored.
 */
final class FeatureJson {

    /** Duplicate keys are refused: two values for one key would mean two different features to two readers. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private FeatureJson() {
    }

    static FeatureDescription parse(byte[] json, int maxBundles) throws UpdateException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonParseException e) {
            throw new UpdateException("feature.json is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (JsonProcessingException e) {
            throw new UpdateException("feature.json is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UpdateException("feature.json cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UpdateException("feature.json must hold a JSON object (an OSGi feature description)");
        }

        JsonNode resourceVersion = root.get("feature-resource-version");
        if (resourceVersion != null && !(resourceVersion.isTextual() && resourceVersion.asText().matches("1(\\.\\d+)*"))) {
            throw new UpdateException("feature.json has feature-resource-version " + resourceVersion
                    + "; this firmware reads version 1.0");
        }

        JsonNode idNode = root.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
            throw new UpdateException("feature.json has no \"id\" (the feature's Maven coordinates, group:artifact:version)");
        }
        Coordinates id;
        try {
            id = Coordinates.parse(idNode.asText());
        } catch (IllegalArgumentException e) {
            throw new UpdateException("feature.json's id is not valid: " + e.getMessage());
        }
        String featureId = id.toString();

        JsonNode nameNode = root.get("name");
        String name = nameNode != null && nameNode.isTextual() ? nameNode.asText().strip() : null;
        if (name != null && name.length() > 200) {
            name = name.substring(0, 200);
        }

        JsonNode bundlesNode = root.get("bundles");
        if (bundlesNode == null || !bundlesNode.isArray()) {
            throw new UpdateException("feature.json of " + featureId + " has no \"bundles\" list", featureId, null, null);
        }
        if (bundlesNode.size() > maxBundles) {
            throw new UpdateException("feature.json of " + featureId + " lists " + bundlesNode.size()
                    + " bundles; at most " + maxBundles + " are allowed", featureId, null, null);
        }
        List<Coordinates> bundles = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode bundle : bundlesNode) {
            JsonNode bundleId = bundle.isObject() ? bundle.get("id") : bundle;
            if (bundleId == null || !bundleId.isTextual()) {
                throw new UpdateException("feature.json of " + featureId
                        + ": every entry of \"bundles\" must be Maven coordinates or an object with an \"id\"",
                        featureId, null, null);
            }
            Coordinates coordinates;
            try {
                coordinates = Coordinates.parse(bundleId.asText());
            } catch (IllegalArgumentException e) {
                throw new UpdateException("feature.json of " + featureId + " lists a bundle whose id is not valid: "
                        + e.getMessage(), featureId, null, null);
            }
            if (!seen.add(coordinates.fileName())) {
                throw new UpdateException("feature.json of " + featureId + " lists " + coordinates + " twice",
                        featureId, null, null);
            }
            bundles.add(coordinates);
        }

        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        JsonNode configurationsNode = root.get("configurations");
        if (configurationsNode != null && !configurationsNode.isNull()) {
            if (!configurationsNode.isObject()) {
                throw new UpdateException("feature.json of " + featureId + ": \"configurations\" must be an object"
                        + " of PIDs", featureId, null, null);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = configurationsNode.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                try {
                    configurations.put(ConfigValues.checkPid(field.getKey()),
                            ConfigValues.properties(field.getKey(), field.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new UpdateException("feature.json of " + featureId + ": " + e.getMessage(), featureId, null, null);
                }
            }
        }
        return new FeatureDescription(id, name, bundles, configurations);
    }
}
