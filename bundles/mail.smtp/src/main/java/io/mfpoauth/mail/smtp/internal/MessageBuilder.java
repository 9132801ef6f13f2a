package io.mfpoauth.mail.smtp.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParameterList;

import io.mfpoauth.mail.Attachment;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.auth.Failures;

/** Turns an {@link OutgoingMail} into a MIME message from the configured sender; nothing here touches the network. */
final class MessageBuilder {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private MessageBuilder() {
    }

    /** A message ready to send; {@code attachmentBytes} counts what was read of the attachments while sending. */
    /**
     * A message that knows whether its content was handed to a transport: Jakarta Mail writes it only after the
     * server's 354 to DATA, so before that the server cannot have accepted it and a send may be retried elsewhere.
     */
    static final class Tracked extends MimeMessage {
        private volatile boolean written;

        Tracked(Session session) {
            super(session);
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException,
                MessagingException {
            written = true;
            super.writeTo(os, ignoreList);
        }

        boolean written() {
            return written;
        }
    }

    record Built(MimeMessage message, InternetAddress[] recipients, long textBytes, LongAdder attachmentBytes) {
        /** True once the content went to a server (see {@link Tracked}). */
        boolean written() {
            return message instanceof Tracked && ((Tracked) message).written();
        }


        String messageId() throws MessagingException {
            return message.getMessageID();
        }

        long size() {
            return textBytes + attachmentBytes.sum();
        }
    }

    /**
     * Builds the message. Every address is checked first.
     *
     * @throws MailException {@link MailFailure#RECIPIENT_REFUSED} naming a malformed address, or
     *         {@link MailFailure#BAD_MESSAGE}
     */
    static Built build(Session session, SmtpSettings settings, OutgoingMail mail) throws MailException {
        InternetAddress[] to = addresses(mail.to());
        InternetAddress[] cc = addresses(mail.cc());
        LongAdder attachmentBytes = new LongAdder();
        try {
            MimeMessage message = new Tracked(session);
            message.setFrom(sender(settings));
            message.setRecipients(RecipientType.TO, to);
            if (cc.length > 0) {
                message.setRecipients(RecipientType.CC, cc);
            }
            message.setSubject(mail.subject(), UTF_8);
            message.setSentDate(new Date());
            if (mail.attachments().isEmpty()) {
                message.setText(mail.text(), UTF_8);
            } else {
                MimeMultipart parts = new MimeMultipart();
                MimeBodyPart text = new MimeBodyPart();
                text.setText(mail.text(), UTF_8);
                parts.addBodyPart(text);
                for (Attachment attachment : mail.attachments()) {
                    parts.addBodyPart(part(attachment, attachmentBytes));
                }
                message.setContent(parts);
            }
            // Sets the Message-ID and the MIME headers; reads no attachment, their encoding is fixed below.
            message.saveChanges();
            List<InternetAddress> all = new ArrayList<>(List.of(to));
            all.addAll(List.of(cc));
            return new Built(message, all.toArray(InternetAddress[]::new),
                    mail.text().getBytes(StandardCharsets.UTF_8).length, attachmentBytes);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new MailException(MailFailure.BAD_MESSAGE, "The message could not be built: "
                    + Failures.printable(e.getMessage()), null, e);
        }
    }

    private static InternetAddress sender(SmtpSettings settings)
            throws AddressException, UnsupportedEncodingException {
        InternetAddress from = new InternetAddress(settings.senderAddress);
        if (settings.senderName != null && !settings.senderName.isBlank()) {
            from.setPersonal(settings.senderName, UTF_8);
        }
        return from;
    }

    private static InternetAddress[] addresses(List<String> addresses) throws MailException {
        InternetAddress[] parsed = new InternetAddress[addresses.size()];
        for (int i = 0; i < parsed.length; i++) {
            String address = addresses.get(i);
            try {
                parsed[i] = new InternetAddress(address == null ? "" : address.trim(), true);
            } catch (AddressException e) {
                throw new MailException(MailFailure.RECIPIENT_REFUSED, "The recipient address '"
                        + Failures.printable(address) + "' is not valid (" + Failures.printable(e.getMessage())
                        + "): check the address.");
            }
        }
        return parsed;
    }

    private static MimeBodyPart part(Attachment attachment, LongAdder bytesRead) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new AttachmentSource(attachment, bytesRead)));
        // Set after the data handler, which clears them. An explicit encoding keeps saveChanges() from reading the
        // whole attachment to choose one; an explicit UTF-8 file name (RFC 2231 filename*=) does not depend on the
        // JVM's default charset, which is US-ASCII on a device started without a locale.
        ContentType type = new ContentType(attachment.contentType());
        ParameterList typeParameters = type.getParameterList() == null ? new ParameterList()
                : type.getParameterList();
        typeParameters.set("name", attachment.name(), UTF_8);
        type.setParameterList(typeParameters);
        ParameterList dispositionParameters = new ParameterList();
        dispositionParameters.set("filename", attachment.name(), UTF_8);
        part.setHeader("Content-Type", type.toString());
        part.setHeader("Content-Disposition",
                new ContentDisposition(Part.ATTACHMENT, dispositionParameters).toString());
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }
}
