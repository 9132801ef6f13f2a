package io.mfpoauth.update.internal;

import org.osgi.framework.Version;

/** One bundle of a feature archive: which coordinates it stands for, where it lies, and what its manifest says. */
record ArchivedBundle(Coordinates coordinates, String entry, String symbolicName, Version version, boolean fragment) {

    /** {@code symbolic.name 1.2.3}: how messages and the state file name a bundle. */
    String label() {
        return symbolicName + " " + version;
    }
}
