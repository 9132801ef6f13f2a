package io.mfpoauth.update.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent takes from a {@code feature.json}: the feature's id, its name, its bundles in order, and its
 * configurations by PID ({@code factoryPid~name} for factory configurations), already converted to the types
 * Configuration Admin stores.
 */
record FeatureDescription(Coordinates id, String name, List<Coordinates> bundles,
        Map<String, Map<String, Object>> configurations) {

    FeatureDescription {
        bundles = List.copyOf(bundles);
        // In the description's order: they are applied, listed and undone in it.
        configurations = Collections.unmodifiableMap(new LinkedHashMap<>(configurations));
    }

    /** The name to show: the description's, or the artifact of its id. */
    String displayName() {
        return name == null || name.isBlank() ? id.artifactId() : name;
    }
}
