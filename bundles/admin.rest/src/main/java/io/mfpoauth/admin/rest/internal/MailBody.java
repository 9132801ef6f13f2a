package io.mfpoauth.admin.rest.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import io.mfpoauth.mail.Attachment;
import io.mfpoauth.mail.OutgoingMail;

/**
 * The body of {@code POST /api/v1/mail}: {@code {"to":[...],"cc":[...],"subject","text","attachments":[{"name",
 * "contentType","base64"}]}}, read as a stream: each attachment is decoded from base64 straight into an owner-only
 * temporary file as it arrives, so a message of many megabytes never sits in the heap (the firmware runs in 32 MB).
 * Closing the result deletes the files.
 */
final class MailBody implements Closeable {
    /** Padding is welcome but not required; line breaks are skipped (what browsers and base64 tools write). */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);
    /** Subject and text are held in memory: 1 MiB characters is plenty; attachments are streamed, not held. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 20).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * Recipients (to and cc together), each address's length (RFC 5321: 64 + 1 + 255) and attachments: a message
     * from a printer needs far fewer, and each list is held in memory as it is read, so an endless one is refused
     * while it arrives rather than after it filled the heap.
     */
    static final int MAX_RECIPIENTS = 100;
    static final int MAX_ADDRESS_LENGTH = 320;
    static final int MAX_ATTACHMENTS = 20;

    private final OutgoingMail mail;
    private final List<Path> files;

    private MailBody(OutgoingMail mail, List<Path> files) {
        this.mail = mail;
        this.files = files;
    }

    OutgoingMail mail() {
        return mail;
    }

    /**
     * Reads a body (already limited in size by the caller); attachments go to files in {@code folder}.
     *
     * @throws ApiException 400 naming the field of a bad value ({@code attachments[i].base64} for bad base64)
     * @throws Bodies.TooLarge when the body goes past the caller's cap
     */
    static MailBody read(InputStream in, Path folder) throws ApiException, IOException {
        List<Path> files = new ArrayList<>();
        boolean done = false;
        try (JsonParser parser = FACTORY.createParser(in)) {
            OutgoingMail.Builder builder = OutgoingMail.builder();
            int[] recipients = { 0 }; // to and cc together
            expect(parser.nextToken() == JsonToken.START_OBJECT, null, "The body must be a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "to" -> builder.to(addresses(parser, value, "to", recipients));
                    case "cc" -> builder.cc(addresses(parser, value, "cc", recipients));
                    case "subject" -> builder.subject(text(parser, value, "subject"));
                    case "text" -> builder.text(text(parser, value, "text"));
                    case "attachments" -> attachments(parser, value, folder, files, builder);
                    default -> parser.skipChildren();
                }
            }
            expect(parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null, null,
                    "The body must be one JSON object");
            OutgoingMail mail;
            try {
                mail = builder.build();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("to", e.getMessage());
            }
            done = true;
            return new MailBody(mail, files);
        } catch (JsonProcessingException e) {
            throw Json.notValid(e);
        } catch (java.io.CharConversionException e) {
            // Jackson's encoding detection (UTF-16/32 from the first bytes) fails this way, not as a parse error:
            // it is the client's bad body, not the device's fault.
            throw ApiException.badRequest(null, "The body is not valid JSON");
        } finally {
            if (!done) {
                delete(files);
            }
        }
    }

    private static void attachments(JsonParser parser, JsonToken value, Path folder, List<Path> files,
            OutgoingMail.Builder builder) throws ApiException, IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        expect(value == JsonToken.START_ARRAY, "attachments", "must be a list");
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            expect(index < MAX_ATTACHMENTS, "attachments", "must hold at most " + MAX_ATTACHMENTS + " attachments");
            String at = "attachments[" + index + "]";
            expect(parser.currentToken() == JsonToken.START_OBJECT, at, "must be an object");
            String name = null;
            String contentType = null;
            Path file = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "name" -> name = text(parser, token, at + ".name");
                    case "contentType" -> contentType = text(parser, token, at + ".contentType");
                    case "base64" -> {
                        expect(token == JsonToken.VALUE_STRING && file == null, at + ".base64", "must be a string");
                        file = OwnerOnlyFiles.temporaryFile(folder, "attachment-");
                        files.add(file);
                        decode(parser, file, at + ".base64");
                    }
                    default -> parser.skipChildren();
                }
            }
            expect(file != null, at + ".base64", "is required");
            if (contentType == null) {
                contentType = "application/octet-stream";
            }
            try {
                builder.attach(Attachment.of(name == null ? "" : name, contentType, file));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(at + (name == null || name.isBlank() || name.contains("\n")
                        || name.contains("\r") ? ".name" : ".contentType"), e.getMessage());
            }
            index++;
        }
    }

    private static void decode(JsonParser parser, Path file, String field) throws ApiException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            parser.readBinaryValue(BASE64, out);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ApiException.badRequest(field, "is not valid base64");
        }
    }

    private static String text(JsonParser parser, JsonToken token, String field) throws ApiException, IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(token == JsonToken.VALUE_STRING, field, "must be a string");
        return parser.getText();
    }

    /** A list of addresses; {@code counted} holds the recipients of the lists read so far (to and cc share it). */
    private static String[] addresses(JsonParser parser, JsonToken token, String field, int[] counted)
            throws ApiException, IOException {
        if (token == JsonToken.VALUE_NULL) {
            return new String[0];
        }
        expect(token == JsonToken.START_ARRAY, field, "must be a list of addresses");
        List<String> values = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String at = field + "[" + values.size() + "]";
            expect(parser.currentToken() == JsonToken.VALUE_STRING, at, "must be a string");
            expect(++counted[0] <= MAX_RECIPIENTS, field, "to and cc together must hold at most " + MAX_RECIPIENTS
                    + " addresses");
            expect(parser.getTextLength() <= MAX_ADDRESS_LENGTH, at, "must be at most " + MAX_ADDRESS_LENGTH
                    + " characters long");
            values.add(parser.getText());
        }
        return values.toArray(String[]::new);
    }

    private static void expect(boolean condition, String field, String message) throws ApiException {
        if (!condition) {
            throw ApiException.badRequest(field, message);
        }
    }

    @Override
    public void close() {
        delete(files);
    }

    private static void delete(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left in <data>/admin/tmp, which is emptied when the bundle starts.
            }
        }
    }
}
