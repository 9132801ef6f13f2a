package io.mfpoauth.mail;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/** A message taken from a POP mailbox, held in a temporary file while the receivers read it. */
@ProviderType
public interface ReceivedMail {

    /** The POP setting it came from. */
    String popId();

    /** The server's unique id of the message (POP3 UIDL). */
    String uidl();

    /** The Message-ID header, or null when the message has none. */
    String messageId();

    /** The From header, decoded, or null. */
    String from();

    /** The Subject header, decoded, or null. */
    String subject();

    /** The size of the raw message in bytes. */
    long size();

    /** The raw message (RFC 5322, CRLF line ends), from the start each time. */
    InputStream open() throws IOException;
}
