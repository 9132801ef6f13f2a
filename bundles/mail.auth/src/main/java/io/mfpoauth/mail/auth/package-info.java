/**
 * What the SMTP and POP3 bundles share to sign in and to explain failures: the SASL initial responses
 * ({@link Sasl}), the token with one forced refresh on rejection ({@link TokenLogin}), the mapping of server replies
 * and network faults to {@link io.mfpoauth.mail.MailFailure} ({@link Failures}), the device's TLS trust
 * ({@link DeviceTrust}) and the conversion of configurations to settings ({@link SettingsCodec}).
 */
@Export
@Version("1.0.0")
package io.mfpoauth.mail.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
