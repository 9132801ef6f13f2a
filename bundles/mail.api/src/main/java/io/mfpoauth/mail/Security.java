package io.mfpoauth.mail;

import java.util.Locale;

/** How the connection to a mail server is protected. TLS is never given up for a server that does not offer it. */
public enum Security {
    /** Plain text; only sensible on a trusted network. */
    NONE,
    /** Plain connection upgraded with STARTTLS (SMTP) or STLS (POP3) before anything else is sent. */
    STARTTLS,
    /** TLS from the first byte (SMTPS 465, POP3S 995). */
    TLS;

    /** The lower-case name used in configurations and the REST API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()}, any case. @throws IllegalArgumentException for any other value */
    public static Security parse(String key) {
        return Keys.parse(Security.class, key);
    }
}
