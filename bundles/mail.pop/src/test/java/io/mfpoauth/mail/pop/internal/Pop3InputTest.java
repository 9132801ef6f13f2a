package io.mfpoauth.mail.pop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Pop3InputTest {
    private static final java.time.Duration MINUTE = java.time.Duration.ofMinutes(1);


    /** Delivers at most {@code chunk} bytes a read, so every split of a line end or a dot is met. */
    private static InputStream chunked(String text, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static String body(String wire, int chunk) throws IOException {
        Pop3Input in = new Pop3Input(chunked(wire, chunk), MINUTE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = in.copyBody(out, 1000);
        assertThat(n).isEqualTo(out.size());
        return out.toString(StandardCharsets.ISO_8859_1) + "|" + in.readLine(100);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 16384})
    void stuffedDotsAreRemovedAndTheTerminatorEndsTheBody(int chunk) throws IOException {
        String wire = "a\r\n..\r\n...x\r\n.y\r\n. \r\n.\rz\r\nlast\r\n.\r\n+OK next\r\n";
        assertThat(body(wire, chunk)).isEqualTo("a\r\n.\r\n..x\r\ny\r\n \r\n\rz\r\nlast\r\n|+OK next");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void bareLineFeedsAreAcceptedToo(int chunk) throws IOException {
        assertThat(body("a\n..b\n.\n+OK\n", chunk)).isEqualTo("a\n.b\n|+OK");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void anEmptyBodyIsJustTheTerminator(int chunk) throws IOException {
        assertThat(body(".\r\n+OK\r\n", chunk)).isEqualTo("|+OK");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void aMessageOverTheLimitIsRefused(int chunk) {
        Pop3Input in = new Pop3Input(chunked("x".repeat(2000) + "\r\n.\r\n", chunk), MINUTE);
        assertThatThrownBy(() -> in.copyBody(OutputStreamSink.INSTANCE, 1000))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("larger than 1000 bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void aClosedConnectionDuringABodyIsAnError(int chunk) {
        Pop3Input in = new Pop3Input(chunked("half a message\r\n", chunk), MINUTE);
        assertThatThrownBy(() -> in.copyBody(OutputStreamSink.INSTANCE, 1000)).isInstanceOf(EOFException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void linesAreBounded(int chunk) throws IOException {
        Pop3Input in = new Pop3Input(chunked("+OK " + "x".repeat(6) + "\r\n+OK " + "y".repeat(7) + "\r\n", chunk), MINUTE);
        assertThat(in.readLine(10)).isEqualTo("+OK xxxxxx");
        assertThatThrownBy(() -> in.readLine(10)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("longer than 10 bytes");
    }

    /** Discards what it is given. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    @org.junit.jupiter.api.Test
    void aServerThatTricklesIsStoppedAtTheConnectionsDeadline() {
        // Every read returns one byte at once: no socket timeout ever fires, the deadline does.
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                b[off] = 'x';
                return 1;
            }
        };
        Pop3Input in = new Pop3Input(endless, java.time.Duration.ofMillis(200));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> in.copyBody(new ByteArrayOutputStream(), Long.MAX_VALUE))
                .isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("for one connection");
    }
}
