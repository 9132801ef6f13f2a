package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/**
 * What the SMTP setting and every POP setting have in common: the server, how the connection is protected, and how
 * the device signs in. The defaults are those of the kind of setting.
 */
public abstract class ServerSettings extends DTO {
    /** A host name or an IP address. */
    public String server;
    /** 1..65535. */
    public int port;
    /** Connection and reply timeout, 5..300 seconds. */
    public int timeoutSeconds = 60;
    public Security security;
    public AuthMethod authMethod;
    /** For {@link AuthMethod#PASSWORD}. */
    public String username;
    /** Write-only: set it to change the password, leave it null to keep the stored one; never returned. */
    public String password;
    /** Output only: whether a password is stored. */
    public boolean passwordSet;
    /** For {@link AuthMethod#OAUTH2}: the provider id. */
    public String provider;
    /** For {@link AuthMethod#OAUTH2}: the mailbox signed in as (XOAUTH2 {@code user=}); may be a shared mailbox. */
    public String account;
    public OAuthMechanism oauthMechanism = OAuthMechanism.AUTO;

    protected ServerSettings(int port, Security security, AuthMethod authMethod) {
        this.port = port;
        this.security = security;
        this.authMethod = authMethod;
    }
}
