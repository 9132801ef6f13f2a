/**
 * The token service API: token slots, their four states and status, and the events that report every change.
 * The panel and web UIs and the SMTP and POP authenticators use these types; the token service bundle
 * implements {@link io.mfpoauth.token.TokenService}.
 */
@Export
@Version("1.0.0")
package io.mfpoauth.token;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
