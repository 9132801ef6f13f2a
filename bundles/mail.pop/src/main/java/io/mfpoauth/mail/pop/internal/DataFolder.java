package io.mfpoauth.mail.pop.internal;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where the mail files live: {@code <data>/mail}, next to the token service's files. */
final class DataFolder {
    /** The framework property the token service reads for its data folder; the mail files go under the same one. */
    static final String DATA_PROPERTY = "mfpoauth.data";

    private DataFolder() {
    }

    /** {@code <data>/mail}, with the token service's fallback ({@code ./data}) when the property is not set. */
    static Path mail(BundleContext context) {
        String configured = context.getProperty(DATA_PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? "data" : configured).toAbsolutePath()
                .resolve("mail");
    }
}
