package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/**
 * The device's one SMTP setting, shared by every SMTP use (scan to e-mail, internet-fax send, notifications) and by
 * the one {@code smtp} token slot. Configuration PID {@value #PID}.
 */
public class SmtpSettings extends DTO {
    /** The configuration PID the SMTP settings are kept under. */
    public static final String PID = "io.mfpoauth.mail.smtp";

    /** Primary SMTP server: a host name or an IP address. */
    public String server;
    /** 1..65535; 587 with STARTTLS, 465 with TLS, 25 without. */
    public int port = 587;
    /** Connection and reply timeout, 5..300 seconds. */
    public int timeoutSeconds = 60;
    /** The name shown as the sender. */
    public String senderName;
    /** The sender (From) address. */
    public String senderAddress;
    public Security security = Security.STARTTLS;
    public AuthMethod authMethod = AuthMethod.NONE;
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

    @Override
    public String toString() {
        // DTO.toString prints every field: never the password.
        return "SmtpSettings[server=" + server + ", port=" + port + ", security=" + security + ", authMethod="
                + authMethod + ", username=" + username + ", passwordSet=" + passwordSet + ", provider=" + provider
                + ", account=" + account + ", senderAddress=" + senderAddress + "]";
    }
}
