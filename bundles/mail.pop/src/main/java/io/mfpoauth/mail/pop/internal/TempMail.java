package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.mfpoauth.mail.ReceivedMail;

/** A retrieved message in its temporary file, as the receivers see it. The check deletes the file afterwards. */
record TempMail(String popId, String uidl, String messageId, String from, String subject, long size, Path file)
        implements ReceivedMail {

    static TempMail of(String popId, String uidl, Path file, long size) throws IOException {
        MailHeaders headers = MailHeaders.read(file);
        return new TempMail(popId, uidl, headers.messageId(), headers.from(), headers.subject(), size, file);
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }
}
