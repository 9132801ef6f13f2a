package io.mfpoauth.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fuzz input read as a few header lines, then a body: the layout every target here uses, so the seed inputs in
 * src/test/resources are readable text a person can write (a status line, a header, then a provider's JSON).
 */
public final class Script {
    private final byte[] data;
    private int pos;

    public Script(byte[] data) {
        this.data = data;
    }

    /** The next line (LF-terminated, LF left out) as ISO-8859-1 text; empty at the end of the input. */
    public String line() {
        int end = pos;
        while (end < data.length && data[end] != '\n') {
            end++;
        }
        String line = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = Math.min(data.length, end + 1);
        return line;
    }

    /** The next line as a whole number, or {@code fallback} when it is not one. */
    public int number(int fallback) {
        String line = line().trim();
        try {
            return Integer.parseInt(line);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Everything after the lines read so far. */
    public byte[] rest() {
        return Arrays.copyOfRange(data, pos, data.length);
    }

    /** The rest as UTF-8 text (malformed bytes replaced, as a servlet container would). */
    public String restText() {
        return new String(rest(), StandardCharsets.UTF_8);
    }

    /** Null for the text {@code <null>}, so a seed can leave a field out. */
    public static String orNull(String text) {
        return "<null>".equals(text) ? null : text;
    }
}
