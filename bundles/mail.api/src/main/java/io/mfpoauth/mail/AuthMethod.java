package io.mfpoauth.mail;

import java.util.Locale;

/** How the device signs in to a mail server. */
public enum AuthMethod {
    /** No sign-in (an SMTP relay that trusts the device's address). */
    NONE,
    /** User name and password (AUTH PLAIN or LOGIN; POP3 USER/PASS where no SASL is offered). */
    PASSWORD,
    /** OAuth 2.0: an access token of the setting's token slot, sent with XOAUTH2 or OAUTHBEARER. */
    OAUTH2;

    /** The lower-case name used in configurations and the REST API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()}, any case. @throws IllegalArgumentException for any other value */
    public static AuthMethod parse(String key) {
        return Keys.parse(AuthMethod.class, key);
    }
}
