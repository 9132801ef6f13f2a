package io.mfpoauth.mail;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: takes the messages a POP mailbox receives (the firmware's fax printing registers one; the default one
 * keeps each message as an {@code .eml} file, see {@link MailArchive}). Every receiver whose
 * {@value PopSettings#ID_PROPERTY} service property is absent or names the setting gets each message; a message is
 * deleted from the server only once all of them accepted it.
 *
 * <p>A message may arrive twice (the device stopped between accepting and deleting it): a receiver recognises a
 * duplicate by {@link ReceivedMail#uidl()} and {@link ReceivedMail#messageId()}.
 */
@ConsumerType
public interface MailReceiver {

    /**
     * Takes a message. Returning normally means the receiver has it safely (on disk, printed): the server copy may
     * then be deleted. Throwing leaves the message on the server for the next check.
     */
    void receive(ReceivedMail mail) throws Exception;
}
