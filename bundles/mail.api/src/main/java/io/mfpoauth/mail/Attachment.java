package io.mfpoauth.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file attached to an {@link OutgoingMail}. Its content is read when the message is sent (and again if the send
 * is retried), so a scanned PDF of many megabytes can stay on disk instead of in the heap.
 */
public final class Attachment {

    /** Opens the content; called once per send attempt. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private final String name;
    private final String contentType;
    private final Content content;

    private Attachment(String name, String contentType, Content content) {
        this.name = requireText(name, "name");
        this.contentType = requireText(contentType, "contentType");
        this.content = Objects.requireNonNull(content, "content");
    }

    /** An attachment held in memory. */
    public static Attachment of(String name, String contentType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new Attachment(name, contentType, () -> new ByteArrayInputStream(copy));
    }

    /** An attachment read from a file when the message is sent. */
    public static Attachment of(String name, String contentType, Path file) {
        return new Attachment(name, contentType, () -> Files.newInputStream(file));
    }

    /** An attachment read from any source when the message is sent. */
    public static Attachment of(String name, String contentType, Content content) {
        return new Attachment(name, contentType, content);
    }

    /** The file name shown to the recipient. */
    public String name() {
        return name;
    }

    /** The MIME type, e.g. {@code application/pdf}. */
    public String contentType() {
        return contentType;
    }

    public Content content() {
        return content;
    }

    @Override
    public String toString() {
        return "Attachment[" + name + ", " + contentType + "]";
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An attachment needs a " + what);
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("An attachment's " + what + " must be one line");
        }
        return value;
    }
}
