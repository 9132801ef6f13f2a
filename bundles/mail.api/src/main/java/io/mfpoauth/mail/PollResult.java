package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/** What one check of a POP mailbox did. */
public class PollResult extends DTO {
    /** When the check ended, milliseconds since the epoch. */
    public long at;
    /** Whether the mailbox could be read (receivers refusing a message does not make a check fail). */
    public boolean ok;
    /** {@code ok}, or a {@link MailFailure#code()}. */
    public String code;
    /** What happened, for the administrator. */
    public String message;
    /** Messages on the server when the check began. */
    public int onServer;
    /** Messages handed to the receivers and accepted by all of them. */
    public int accepted;
    /** Messages a receiver refused or failed on; they stay on the server for the next check. */
    public int refused;
    /** Messages deleted from the server. */
    public int deleted;
}
