package io.mfpoauth.admin.rest.internal;

import java.nio.file.Path;

import org.osgi.service.cm.ConfigurationAdmin;

import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.update.UpdateAgent;

/**
 * The services the endpoints work on. The token service and ConfigAdmin are always there; the mail and update
 * services come and go with their features, and an endpoint that needs one that is missing answers 503.
 */
interface Backends {
    TokenService tokens();

    ConfigurationAdmin configurationAdmin();

    MailSettings mailSettings() throws ApiException;

    MailSender mailSender() throws ApiException;

    MailArchive mailArchive() throws ApiException;

    /** The mailbox of a POP setting, or null when none runs for that id. */
    PopMailbox mailbox(String popId);

    UpdateAgent updateAgent() throws ApiException;

    /** An owner-only folder for request bodies on their way to a service ({@code <data>/admin/tmp}). */
    Path temporaryFolder();
}
