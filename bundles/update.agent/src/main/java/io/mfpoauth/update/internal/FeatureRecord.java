package io.mfpoauth.update.internal;

import java.util.List;

/**
 * What the agent remembers of an installed feature (the state file holds one per feature): enough to list it, to
 * find its bundles again after a restart, and to undo it.
 *
 * @param id the feature's coordinates, as its description gives them
 * @param name the name to show
 * @param installedAt when it was installed, milliseconds since the epoch
 * @param archive the file name of the copy of its archive kept in the agent's folder (to install it again after a
 *        restart that lost the framework's bundles)
 * @param bundles its bundles, in the order of its description
 * @param configurations its configurations, in the order of its description
 */
record FeatureRecord(String id, String name, long installedAt, String archive, List<BundleRecord> bundles,
        List<ConfigRecord> configurations) {

    FeatureRecord {
        bundles = List.copyOf(bundles);
        configurations = List.copyOf(configurations);
    }

    Coordinates coordinates() {
        return Coordinates.parse(id);
    }

    String key() {
        return coordinates().key();
    }

    String version() {
        return coordinates().version();
    }

    /** Whether this feature lists the bundle, owned or not. */
    boolean uses(String symbolicName, String version) {
        return bundles.stream().anyMatch(b -> b.is(symbolicName, version));
    }

    boolean owns(String symbolicName, String version) {
        return bundles.stream().anyMatch(b -> b.owned() && b.is(symbolicName, version));
    }

    boolean created(String pid) {
        return configurations.stream().anyMatch(c -> c.created() && c.pid().equals(pid));
    }

    /** A copy that owns the bundle too (it takes over a bundle another feature installed and leaves behind). */
    FeatureRecord owning(String symbolicName, String version) {
        return new FeatureRecord(id, name, installedAt, archive, bundles.stream()
                .map(b -> b.is(symbolicName, version) ? new BundleRecord(b.symbolicName(), b.version(), true) : b)
                .toList(), configurations);
    }

    /**
     * One bundle of a feature, by symbolic name and version (bundle ids change when the framework starts afresh).
     * {@code owned}: the feature installed it, and removing the feature uninstalls it.
     */
    record BundleRecord(String symbolicName, String version, boolean owned) {
        boolean is(String otherName, String otherVersion) {
            return symbolicName.equals(otherName) && version.equals(otherVersion);
        }
    }

    /**
     * One configuration of a feature. {@code created}: it did not exist before the feature was installed, and
     * removing the feature deletes it. A configuration that existed and was changed is left as it is on removal.
     */
    record ConfigRecord(String pid, boolean created) {
    }
}
