package io.mfpoauth.mail.smtp.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;

import jakarta.activation.DataSource;

import io.mfpoauth.mail.Attachment;

/**
 * An attachment as Jakarta Mail reads it: opened when the message is written to the server, in 8 KB steps, so a
 * scanned PDF of many megabytes never has to fit in the heap.
 */
final class AttachmentSource implements DataSource {

    /**
     * Reading the attachment failed (not the network): marks the fault in the cause chain Jakarta Mail wraps it in,
     * so it is reported as a bad message and not as a connection failure.
     */
    static final class UnreadableAttachment extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableAttachment(String name, IOException cause) {
            super("The attachment " + name + " could not be read (" + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage() + ")", cause);
        }
    }

    private final Attachment attachment;
    private final LongAdder bytesRead;

    AttachmentSource(Attachment attachment, LongAdder bytesRead) {
        this.attachment = attachment;
        this.bytesRead = bytesRead;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        InputStream in;
        try {
            in = attachment.content().open();
        } catch (IOException e) {
            throw new UnreadableAttachment(attachment.name(), e);
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                try {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        bytesRead.add(n);
                    }
                    return n;
                } catch (IOException e) {
                    throw new UnreadableAttachment(attachment.name(), e);
                }
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        throw new IOException("An attachment is read-only");
    }

    @Override
    public String getContentType() {
        return attachment.contentType();
    }

    @Override
    public String getName() {
        return attachment.name();
    }
}
