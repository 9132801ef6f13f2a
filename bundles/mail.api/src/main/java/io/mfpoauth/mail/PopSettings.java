package io.mfpoauth.mail;

/**
 * One POP setting (the internet-fax receive mailbox, and any other): each has its own {@code pop-<id>} token slot.
 * Factory configuration PID {@value #FACTORY_PID}; the setting's id is the {@value #ID_PROPERTY} property.
 */
public class PopSettings extends ServerSettings {
    /** The factory configuration PID every POP setting is kept under. */
    public static final String FACTORY_PID = "io.mfpoauth.mail.pop";
    /** The configuration and service property that holds the setting's id. */
    public static final String ID_PROPERTY = "pop.id";

    /** {@code [a-z0-9-]{1,32}}; the token slot is {@code pop-<id>}. */
    public String id;
    /** How often the mailbox is checked, 1..1440 minutes. */
    public int checkIntervalMinutes = 5;
    /** Delete each message from the server once every receiver accepted it. */
    public boolean deleteAfterRetrieval = true;
    /** Whether the mailbox is checked at all. */
    public boolean enabled = true;

    /** Port 995 with TLS, OAuth 2.0: a new setting's defaults. */
    public PopSettings() {
        super(995, Security.TLS, AuthMethod.OAUTH2);
    }

    @Override
    public String toString() {
        // DTO.toString prints every field: never the password.
        return "PopSettings[id=" + id + ", server=" + server + ", port=" + port + ", security=" + security
                + ", authMethod=" + authMethod + ", username=" + username + ", passwordSet=" + passwordSet
                + ", provider=" + provider + ", account=" + account + "]";
    }
}
