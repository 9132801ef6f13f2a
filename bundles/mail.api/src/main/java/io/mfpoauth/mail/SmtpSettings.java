package io.mfpoauth.mail;

/**
 * The device's one SMTP setting, shared by every SMTP use (scan to e-mail, internet-fax send, notifications) and by
 * the one {@code smtp} token slot. Configuration PID {@value #PID}.
 */
public class SmtpSettings extends ServerSettings {
    /** The configuration PID the SMTP settings are kept under. */
    public static final String PID = "io.mfpoauth.mail.smtp";

    /** The name shown as the sender. */
    public String senderName;
    /** The sender (From) address. */
    public String senderAddress;

    /** Port 587 with STARTTLS, no sign-in: a new setting's defaults. */
    public SmtpSettings() {
        super(587, Security.STARTTLS, AuthMethod.NONE);
    }

    @Override
    public String toString() {
        // DTO.toString prints every field: never the password.
        return "SmtpSettings[server=" + server + ", port=" + port + ", security=" + security + ", authMethod="
                + authMethod + ", username=" + username + ", passwordSet=" + passwordSet + ", provider=" + provider
                + ", account=" + account + ", senderAddress=" + senderAddress + "]";
    }
}
