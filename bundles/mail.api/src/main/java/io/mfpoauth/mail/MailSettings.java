package io.mfpoauth.mail;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and changes the SMTP and POP settings (kept in ConfigAdmin under {@link SmtpSettings#PID} and
 * {@link PopSettings#FACTORY_PID}). Every change is checked first: a bad value is refused with the field it is in, and
 * nothing is changed. Passwords are never returned. Only the administrator may change settings; the UIs enforce
 * that.
 */
@ProviderType
public interface MailSettings {

    /** The SMTP settings (defaults when never configured); {@code password} is null. */
    SmtpSettings smtp();

    /** Replaces the SMTP settings; a null password keeps the stored one. @return the settings as stored */
    SmtpSettings updateSmtp(SmtpSettings settings) throws SettingsException;

    /** Every POP setting, by id. */
    List<PopSettings> pops();

    /** One POP setting, or null when there is none with that id. */
    PopSettings pop(String id);

    /** Creates or replaces the POP setting with {@code settings.id}; a null password keeps the stored one. */
    PopSettings updatePop(PopSettings settings) throws SettingsException;

    /** Removes a POP setting (its mailbox stops being checked; its token slot is left to the token service). */
    boolean deletePop(String id);

    /** Checks SMTP settings without storing them. */
    void check(SmtpSettings settings) throws SettingsException;

    /** Checks POP settings without storing them. */
    void check(PopSettings settings) throws SettingsException;
}
