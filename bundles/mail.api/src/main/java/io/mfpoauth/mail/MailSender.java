package io.mfpoauth.mail;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends mail through the SMTP settings: what scan to e-mail and internet-fax send call. Sends may run concurrently
 * and share the one {@code smtp} token. A message is either accepted by the server or the caller gets a
 * {@link MailException}: nothing is dropped silently, nothing is queued behind the caller's back.
 */
@ProviderType
public interface MailSender {

    /**
     * Sends a message from the configured sender name and address.
     *
     * @return the Message-ID and the recipients the server accepted
     * @throws MailException with the mapped reason when the server did not accept the message
     */
    SentMail send(OutgoingMail mail) throws MailException;

    /** Connects, secures and signs in with the current SMTP settings, without sending anything. */
    TestResult test();
}
