package io.mfpoauth.mail.pop.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.time.Duration;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The bytes a POP3 server sends, read by {@link Pop3Input}: reply lines, then a RETR body to its terminating
 * {@code "."} line; delivered in small pieces, as a network does, so the fuzzer reaches the refills of the buffer.
 *
 * <p>Contract: lines within the bound, a body within the bound, or {@link EOFException} (the server hung up) or
 * {@link ProtocolException} (a line or body over the bound): nothing else; a body never holds the terminating line.
 *
 * <p>Input: the first byte is the read size (1..256), the second how many lines come before the body; the rest is
 * what the server sends.
 */
class Pop3InputFuzzTest {
    private static final int MAX_LINE = 512;
    private static final long MAX_BODY = 4096;

    @FuzzTest
    void serverBytes(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff);
        int lines = input[1] & 0x0f;
        Pop3Input in = new Pop3Input(new Trickle(java.util.Arrays.copyOfRange(input, 2, input.length), chunk),
                Duration.ofMinutes(1));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (int i = 0; i < lines; i++) {
                String line = in.readLine(MAX_LINE);
                assertTrue(line.length() <= MAX_LINE, "a line over the bound");
                assertFalse(line.indexOf('\n') >= 0, "a line holds its LF");
            }
            long written = in.copyBody(body, MAX_BODY);
            assertTrue(written == body.size() && written <= MAX_BODY, "a body over the bound");
        } catch (EOFException | ProtocolException expected) {
            assertTrue(body.size() <= MAX_BODY);
        }
    }

    /** A stream that hands over at most {@code chunk} bytes a read. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream bytes;
        private final int chunk;

        Trickle(byte[] data, int chunk) {
            this.bytes = new ByteArrayInputStream(data);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, Math.min(len, chunk));
        }
    }
}
