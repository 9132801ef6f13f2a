package io.mfpoauth.update;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Applies firmware updates to the running framework. A firmware update is a feature archive: a zip holding
 * {@code feature.json} (an OSGi R8 feature description, {@code feature-resource-version} 1.0) at its root and
 * {@code bundles/<artifactId>-<version>.jar} for each bundle the description lists.
 * <p>
 * Bundles that are not part of the feature are never stopped, refreshed or restarted by this service. Every method
 * is safe to call from several threads: operations run one at a time.
 */
@ProviderType
public interface UpdateAgent {

    /**
     * Installs the feature in {@code archive}: validates the archive, installs the bundles the framework does not
     * have yet (a bundle with the same symbolic name and version is reused), applies the feature's
     * configurations, then resolves and starts the new bundles. If anything fails, everything this call did is
     * undone before the exception is thrown.
     * <p>
     * The same feature (group and artifact of its id) at the same version as an installed one changes nothing;
     * a newer version replaces the installed one; an older version is refused.
     *
     * @return the feature as installed now
     * @throws UpdateException with a message for the administrator when the archive is refused or the
     *         installation failed (and was rolled back)
     */
    InstalledFeature install(Path archive) throws UpdateException;

    /**
     * Removes an installed feature: stops and uninstalls the bundles it installed that no other installed feature
     * uses, and deletes the configurations it created.
     *
     * @param featureId the feature's full id ({@code group:artifact:version}), its {@code group:artifact}, or its
     *        artifact alone when no other installed feature has the same artifact
     * @throws UpdateException when no such feature is installed, or when a bundle outside the feature still
     *         depends on one of its bundles
     */
    void remove(String featureId) throws UpdateException;

    /** The installed features, ordered by id, with the current state of their bundles. */
    List<InstalledFeature> features();
}
