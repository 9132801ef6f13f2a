package io.mfpoauth.update;

import java.util.List;

import org.osgi.dto.DTO;

/** A feature the update agent installed: a snapshot, made when it was asked for. */
public class InstalledFeature extends DTO {
    /** The feature's id as its description gives it, in Maven form: {@code group:artifact[:type[:classifier]]:version}. */
    public String id;
    /** The feature's name from its description, or its artifact when the description has none. */
    public String name;
    /** The version part of {@link #id}. */
    public String version;
    /** The feature's bundles, in the order of its description. */
    public List<FeatureBundle> bundles;
    /** The PIDs of the feature's configurations ({@code factoryPid~name} for factory configurations). */
    public List<String> configurations;
    /** When it was installed (or last replaced by a newer version), milliseconds since the epoch. */
    public long installedAt;
}
