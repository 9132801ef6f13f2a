package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/**
 * One POP setting (the internet-fax receive mailbox, and any other): each has its own {@code pop-<id>} token slot.
 * Factory configuration PID {@value #FACTORY_PID}; the setting's id is the {@value #ID_PROPERTY} property.
 */
public class PopSettings extends DTO {
    /** The factory configuration PID every POP setting is kept under. */
    public static final String FACTORY_PID = "io.mfpoauth.mail.pop";
    /** The configuration and service property that holds the setting's id. */
    public static final String ID_PROPERTY = "pop.id";

    /** {@code [a-z0-9-]{1,32}}; the token slot is {@code pop-<id>}. */
    public String id;
    /** POP3 server: a host name or an IP address. */
    public String server;
    /** 1..65535; 995 with TLS, 110 otherwise. */
    public int port = 995;
    /** How often the mailbox is checked, 1..1440 minutes. */
    public int checkIntervalMinutes = 5;
    /** Connection and reply timeout, 5..300 seconds. */
    public int timeoutSeconds = 60;
    public Security security = Security.TLS;
    public AuthMethod authMethod = AuthMethod.OAUTH2;
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
    /** Delete each message from the server once every receiver accepted it. */
    public boolean deleteAfterRetrieval = true;
    /** Whether the mailbox is checked at all. */
    public boolean enabled = true;

    @Override
    public String toString() {
        // DTO.toString prints every field: never the password.
        return "PopSettings[id=" + id + ", server=" + server + ", port=" + port + ", security=" + security
                + ", authMethod=" + authMethod + ", username=" + username + ", passwordSet=" + passwordSet
                + ", provider=" + provider + ", account=" + account + "]";
    }
}
