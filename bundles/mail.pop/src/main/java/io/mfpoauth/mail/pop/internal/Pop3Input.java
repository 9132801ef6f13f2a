package io.mfpoauth.mail.pop.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a POP3 server sends, with bounds a hostile server cannot get round: a reply line is at most
 * {@code maxLine} bytes, a message at most {@code maxMessage}; anything longer is a {@link ProtocolException} and
 * the connection is given up. A message is copied to a stream as it arrives, never held in memory.
 */
final class Pop3Input {
    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int limit;
    private final long deadline;
    private final String deadlineText;

    /**
     * @param within how long everything read from this connection may take: each read is bounded by the socket's
     *        timeout, this bounds them all, so a server that sends one byte just before each timeout cannot hold a
     *        check (and the mailbox's lock) for ever
     */
    Pop3Input(InputStream in, java.time.Duration within) {
        this.in = in;
        this.deadline = System.nanoTime() + within.toNanos();
        this.deadlineText = within.toMinutes() + " minutes";
    }

    /** One line without its CRLF (a bare LF is accepted too), bytes as ISO-8859-1 characters. */
    String readLine(int maxLine) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("the server closed the connection");
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            boolean end = pos < limit;
            if (line.length() + (pos - start) > maxLine + 1) {
                throw new ProtocolException("the server sent a line longer than " + maxLine + " bytes");
            }
            line.append(new String(buffer, start, pos - start, StandardCharsets.ISO_8859_1));
            if (end) {
                pos++;
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                if (line.length() > maxLine) {
                    throw new ProtocolException("the server sent a line longer than " + maxLine + " bytes");
                }
                return line.toString();
            }
        }
    }

    /**
     * Copies a multi-line body (the reply to RETR) up to its terminating {@code "."} line: byte for byte, with the
     * stuffed dots of RFC 1939 removed and the terminating line left out.
     *
     * @return the number of bytes written
     * @throws ProtocolException when the body exceeds {@code maxMessage} bytes
     */
    long copyBody(OutputStream out, long maxMessage) throws IOException {
        long written = 0;
        boolean lineStart = true;
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("the server closed the connection during a message");
            }
            if (lineStart) {
                lineStart = false;
                if (buffer[pos] == '.') {
                    pos++;
                    if (atEndLine()) {
                        return written;
                    }
                    // Otherwise the dot was stuffed: it is dropped and the rest of the line copied.
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            if (pos < limit) {
                pos++;
                lineStart = true;
            }
            written += pos - start;
            if (written > maxMessage) {
                throw new ProtocolException("a message is larger than " + maxMessage + " bytes");
            }
            out.write(buffer, start, pos - start);
        }
    }

    /** After a line's leading dot: consumes {@code CRLF} (or {@code LF}) and says so when that ends the body. */
    private boolean atEndLine() throws IOException {
        if (pos == limit && !fill()) {
            throw new EOFException("the server closed the connection during a message");
        }
        if (buffer[pos] == '\n') {
            pos++;
            return true;
        }
        if (buffer[pos] != '\r') {
            return false;
        }
        if (pos + 1 == limit) {
            // Keep the CR while reading on: shift it to the buffer's start.
            buffer[0] = '\r';
            int n = in.read(buffer, 1, buffer.length - 1);
            if (n < 0) {
                throw new EOFException("the server closed the connection during a message");
            }
            pos = 0;
            limit = n + 1;
        }
        if (buffer[pos + 1] == '\n') {
            pos += 2;
            return true;
        }
        return false;
    }

    private boolean fill() throws IOException {
        if (System.nanoTime() - deadline > 0) {
            throw new java.net.SocketTimeoutException("the server took more than " + deadlineText
                    + " for one connection");
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
