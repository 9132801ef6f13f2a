package io.mfpoauth.update;

import org.osgi.dto.DTO;

/** One bundle of an installed feature. */
public class FeatureBundle extends DTO {
    /** Its {@code Bundle-SymbolicName}. */
    public String symbolicName;
    /** Its {@code Bundle-Version}. */
    public String version;
    /** Its framework bundle id, or -1 when it is not installed. */
    public long bundleId;
    /**
     * Its state now: {@code INSTALLED}, {@code RESOLVED}, {@code STARTING}, {@code STOPPING}, {@code ACTIVE}, or
     * {@code MISSING} when no bundle with this symbolic name and version is installed.
     */
    public String state;
    /**
     * Whether the feature installed it (and removing the feature uninstalls it). False for a bundle that was already
     * there (the image's, or another feature's) and is only used by this feature.
     */
    public boolean owned;
}
