package io.mfpoauth.mail.auth;

import org.osgi.annotation.versioning.ProviderType;

import io.mfpoauth.mail.MailException;

/**
 * Seals the mail passwords before they go into a configuration (AES-GCM with the device key of the token store),
 * so that neither the configuration files nor a configuration tool ever hold one in clear.
 */
@ProviderType
public interface MailSecrets {
    /** The prefix of a sealed value; a value without it is a password an integrator wrote in clear. */
    String PREFIX = "sealed:v1:";

    /** The sealed form of a password; a value already sealed is returned unchanged. */
    String seal(String password);

    /**
     * The password in clear, for the sign-in only.
     *
     * @throws MailException {@code not_configured} when the value was sealed with another device key
     */
    String open(String stored) throws MailException;
}
