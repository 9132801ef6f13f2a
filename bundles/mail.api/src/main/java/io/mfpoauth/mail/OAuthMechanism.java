package io.mfpoauth.mail;

import java.util.Locale;

/** The SASL mechanism that carries the access token. */
public enum OAuthMechanism {
    /** XOAUTH2 when the server offers it (Exchange Online, Gmail), else OAUTHBEARER when offered. */
    AUTO,
    /** Always XOAUTH2; on POP3 in the two-line form Exchange Online requires. */
    XOAUTH2,
    /** Always OAUTHBEARER (RFC 7628). */
    OAUTHBEARER;

    /** The lower-case name used in configurations and the REST API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()}, any case. @throws IllegalArgumentException for any other value */
    public static OAuthMechanism parse(String key) {
        return Keys.parse(OAuthMechanism.class, key);
    }
}
