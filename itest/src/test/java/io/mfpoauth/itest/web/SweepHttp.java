package io.mfpoauth.itest.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP/1.1 written by hand on a socket, one request per connection: the sweep needs what a well-behaved client
 * library refuses to send (a lying {@code Content-Length}, a body cut short, a body from another loopback
 * address, headers with raw bytes) and the answer's headers exactly as the server wrote them. Every answer passes
 * through {@code observer}, so a test can check all of them afterwards.
 */
final class SweepHttp {
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    /** One answer: status, headers (names in lower case, every value kept) and body. */
    record Answer(String request, int status, Map<String, List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String toString() {
            String shown = text();
            return request + " -> " + status + " " + headers + " " + (shown.length() > 300 ? shown.substring(0, 300)
                    + "..." : shown);
        }
    }

    /** A body that is produced while it is sent, so tens of megabytes never sit in the test's heap. */
    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final URI base;
    private final Consumer<Answer> observer;

    SweepHttp(URI base, Consumer<Answer> observer) {
        this.base = base;
        this.observer = observer;
    }

    /** A request builder for {@code method} on {@code target} (path and query, already encoded). */
    Request request(String method, String target) {
        return new Request(method, target);
    }

    final class Request {
        private final String method;
        private final String target;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body;
        private BodyWriter writer;
        private String from = "127.0.0.1";
        private boolean endEarly;
        private boolean headOnly;

        private Request(String method, String target) {
            this.method = method;
            this.target = target;
        }

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A JSON body with its Content-Type and true Content-Length. */
        Request json(String json) {
            return header("Content-Type", "application/json").body(json.getBytes(StandardCharsets.UTF_8));
        }

        Request body(byte[] bytes) {
            this.body = bytes;
            return header("Content-Length", Integer.toString(bytes.length));
        }

        /**
         * A body written by {@code writer} on another thread while the answer is awaited: the server may answer (and
         * stop reading) before all of it was sent. The caller sets Content-Length or Transfer-Encoding itself.
         */
        Request stream(BodyWriter bodyWriter) {
            this.writer = bodyWriter;
            return this;
        }

        /** Sends from another loopback address (the password throttle counts per address). */
        Request from(String address) {
            this.from = address;
            return this;
        }

        /** Closes the sending side once the body was written, whatever Content-Length promised. */
        Request endEarly() {
            this.endEarly = true;
            return this;
        }

        /** Reads only the status line and the headers (an event stream never ends). */
        Request headOnly() {
            this.headOnly = true;
            return this;
        }

        Answer send() throws IOException, InterruptedException {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Connection: close\r\n\r\n");
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
                if (endEarly && writer == null) {
                    socket.shutdownOutput();
                }
                Thread sender = null;
                if (writer != null) {
                    sender = new Thread(() -> {
                        try {
                            writer.writeTo(out);
                            out.flush();
                            if (endEarly) {
                                socket.shutdownOutput();
                            }
                        } catch (IOException closedByTheServerOrUs) {
                            // the server answered before reading it all, or the answer was read and the socket closed
                        }
                    }, "sweep-body");
                    sender.setDaemon(true);
                    sender.start();
                }
                try {
                    Answer answer = read(method + " " + target, socket.getInputStream(),
                            headOnly || method.equals("HEAD"));
                    observer.accept(answer);
                    return answer;
                } finally {
                    socket.close();
                    if (sender != null) {
                        sender.join(30_000);
                        if (sender.isAlive()) {
                            throw new AssertionError("the body's sender did not stop");
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code raw} framed as a chunked body ({@code Transfer-Encoding: chunked}): each write is a chunk, and
     * {@code close()} writes the last chunk but leaves the connection open for the answer.
     */
    static OutputStream chunked(OutputStream raw) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (length > 0) {
                    raw.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    raw.write(bytes, offset, length);
                    raw.write(CRLF);
                }
            }

            @Override
            public void close() throws IOException {
                raw.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                raw.flush();
            }
        };
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static Answer read(String request, InputStream in, boolean headOnly) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException(request + ": the connection ended before the answer's headers: "
                        + headBytes.toString(StandardCharsets.ISO_8859_1));
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = new byte[0];
        if (!headOnly) {
            List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
            List<String> length = headers.getOrDefault("content-length", List.of());
            if (encoding.stream().anyMatch(e -> e.equalsIgnoreCase("chunked"))) {
                body = dechunk(in);
            } else if (!length.isEmpty()) {
                body = in.readNBytes(Integer.parseInt(length.get(0)));
            } else {
                body = in.readAllBytes();
            }
        }
        headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new Answer(request, status, Collections.unmodifiableMap(headers), body);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(length));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
