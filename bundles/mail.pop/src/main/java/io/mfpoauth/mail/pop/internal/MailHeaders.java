package io.mfpoauth.mail.pop.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three headers the receivers are given: Message-ID, From and Subject, the last two decoded (RFC 2047
 * encoded-words, and raw UTF-8 as RFC 6532 allows). Read by hand rather than with Jakarta Mail: three headers do
 * not justify another bundle in the firmware image, and this reads a bounded header block of a file without
 * loading the message.
 */
record MailHeaders(String messageId, String from, String subject) {
    /** The most of a message's header block read. */
    private static final int MAX_HEADER_BLOCK = 256 * 1024;
    /** The longest value kept (RFC 5322's line limit). */
    private static final int MAX_VALUE = 998;
    /** The headers kept, in the order of the record's fields. */
    private static final String[] WANTED = {"message-id", "from", "subject"};
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
    private static final Pattern ANGLE_ID = Pattern.compile("<[^<>\\s]{1,994}>");

    /** Reads the headers at the start of a raw message. */
    static MailHeaders read(Path message) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message))) {
            return parse(in);
        }
    }

    static MailHeaders parse(InputStream in) throws IOException {
        String[] found = new String[WANTED.length];
        int total = 0;
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        while (total < MAX_HEADER_BLOCK) {
            byte[] line = readLine(in, MAX_HEADER_BLOCK - total);
            if (line == null || line.length == 0) {
                break;
            }
            total += line.length + 1;
            if (line[0] != ' ' && line[0] != '\t') {
                take(field, found);
            }
            field.write(line, 0, line.length);
        }
        take(field, found);
        return new MailHeaders(messageId(found[0]), clean(decode(found[1])), clean(decode(found[2])));
    }

    /** Keeps the collected (unfolded) header when it is the first of a wanted one, and starts the next. */
    private static void take(ByteArrayOutputStream field, String[] found) {
        if (field.size() == 0) {
            return;
        }
        String header = text(field.toByteArray());
        field.reset();
        int colon = header.indexOf(':');
        if (colon < 0) {
            return;
        }
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < WANTED.length; i++) {
            if (found[i] == null && WANTED[i].equals(name)) {
                found[i] = header.substring(colon + 1).trim();
            }
        }
    }

    private static String messageId(String value) {
        if (value == null) {
            return null;
        }
        Matcher angle = ANGLE_ID.matcher(value);
        String id = angle.find() ? angle.group() : value.trim();
        return id.isEmpty() ? null : clean(id);
    }

    /**
     * Decodes RFC 2047 encoded-words. Whitespace between two encoded-words is dropped, and adjacent words in the same
     * charset are decoded together (a mailer may split a multi-byte character between them). A word in a charset
     * the JVM does not know stays as it is.
     */
    static String decode(String value) {
        if (value == null || !value.contains("=?")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null; // set while the last thing read was a decoded encoded-word
        Matcher m = ENCODED_WORD.matcher(value);
        int last = 0;
        while (m.find()) {
            String between = value.substring(last, m.start());
            Charset charset = charset(m.group(1));
            byte[] bytes = charset == null ? null : wordBytes(m.group(2), m.group(3));
            boolean afterWord = pendingCharset != null && between.isBlank();
            if (bytes == null) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                out.append(between).append(m.group());
            } else {
                if (!afterWord || !charset.equals(pendingCharset)) {
                    flush(out, pending, pendingCharset);
                    if (!afterWord) {
                        out.append(between);
                    }
                }
                pending.write(bytes, 0, bytes.length);
                pendingCharset = charset;
            }
            last = m.end();
        }
        flush(out, pending, pendingCharset);
        return out.append(value, last, value.length()).toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset charset) {
        if (pending.size() > 0) {
            out.append(new String(pending.toByteArray(), charset));
            pending.reset();
        }
    }

    private static Charset charset(String name) {
        int language = name.indexOf('*'); // RFC 2231: charset*language
        try {
            return Charset.forName(language < 0 ? name : name.substring(0, language));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    private static byte[] wordBytes(String encoding, String text) {
        if (encoding.equalsIgnoreCase("B")) {
            try {
                return Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                bytes.write(' ');
            } else if (c == '=' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0
                    && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** Header bytes: UTF-8 when they are (RFC 6532), else ISO-8859-1 (8-bit mail of old). */
    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** One line without control characters, at most {@value #MAX_VALUE} characters; null when empty. */
    private static String clean(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE));
        for (int i = 0; i < value.length() && out.length() < MAX_VALUE; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        String result = out.toString().trim();
        return result.isEmpty() ? null : result;
    }

    /** One line without its line end, at most {@code max} bytes; null at the end of the stream. */
    private static byte[] readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n' && line.size() < max) {
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        return length > 0 && bytes[length - 1] == '\r' ? Arrays.copyOf(bytes, length - 1) : bytes;
    }
}
