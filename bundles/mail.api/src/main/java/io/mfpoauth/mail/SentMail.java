package io.mfpoauth.mail;

import java.util.List;

import org.osgi.dto.DTO;

/** A message the SMTP server accepted. */
public class SentMail extends DTO {
    /** The Message-ID header the message was sent with, angle brackets included. */
    public String messageId;
    /** The recipients the server accepted. */
    public List<String> recipients;
}
