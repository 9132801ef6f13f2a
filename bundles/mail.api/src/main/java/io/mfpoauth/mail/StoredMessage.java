package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/** A message the default receiver kept. */
public class StoredMessage extends DTO {
    /** The archive's id of the message (its file name without {@code .eml}). */
    public String id;
    public String from;
    public String subject;
    /** When it was received, milliseconds since the epoch. */
    public long receivedAt;
    /** Size in bytes. */
    public long size;
    /** The server's UIDL. */
    public String uidl;
    /** The Message-ID header, or null. */
    public String messageId;
}
