package io.mfpoauth.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the default {@link MailReceiver} kept: one {@code .eml} file per message, in one folder per POP setting under
 * the data folder.
 */
@ProviderType
public interface MailArchive {

    /** The messages kept for a POP setting, oldest first. */
    List<StoredMessage> messages(String popId);

    /** The raw message, or null when there is none with that id. */
    InputStream open(String popId, String messageId) throws IOException;
}
