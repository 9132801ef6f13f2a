/**
 * The firmware-update agent: installs a feature archive (an OSGi R8 feature description and its bundles) into the
 * running framework, with rollback when anything fails, lists the installed features and removes them again.
 * The update agent bundle implements {@link io.mfpoauth.update.UpdateAgent}; the panel, the web page and the
 * console ({@code mfp:install}, {@code mfp:remove}, {@code mfp:features}) use it.
 */
@Export
@Version("1.0.0")
package io.mfpoauth.update;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
