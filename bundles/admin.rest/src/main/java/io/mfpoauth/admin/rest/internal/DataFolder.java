package io.mfpoauth.admin.rest.internal;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where this bundle keeps its files: {@code <data>/admin}, next to the token service's and the mail bundles'. */
final class DataFolder {
    /** The framework property the token service reads for its data folder; the admin files go under the same one. */
    static final String DATA_PROPERTY = "mfpoauth.data";

    private DataFolder() {
    }

    /** {@code <data>/admin}, with the token service's fallback ({@code ./data}) when the property is not set. */
    static Path admin(BundleContext context) {
        String configured = context.getProperty(DATA_PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? "data" : configured).toAbsolutePath()
                .resolve("admin");
    }
}
