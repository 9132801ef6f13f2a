package io.mfpoauth.token.service.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The redirect target of the browser (authorization code) flow on the device: a tiny HTTP/1.1 server on
 * {@code 127.0.0.1} that hands the redirected address to a handler and shows the browser a sentence.
 *
 * <p>A plain {@link ServerSocket}, because {@code com.sun.net.httpserver} is not visible to bundles by default.
 * One daemon thread accepts ({@code mfpoauth-redirect-<port>}); each connection is served on a thread of a small
 * pool ({@code mfpoauth-redirect-<port>-cN}), because browsers open spare connections that send nothing, and one
 * of those must not hold up the real redirect for the read timeout. The handler may therefore be called from
 * several threads, and it may call {@link #close()} itself.
 */
public final class LoopbackRedirectListener implements AutoCloseable {
    private static final int MAX_HEAD_BYTES = 8 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_CONNECTIONS = 4;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final String ERROR_TEXT =
            "The device could not process this answer. Return to the device's screen and try again.";
    private static final String DEFAULT_TEXT = "You can close this window and return to the device.";

    private final ServerSocket server;
    private final String path;
    private final Function<URI, String> handler;
    private final URI redirectUri;
    private final NamedThreads acceptThreads;
    private final NamedThreads connectionThreads;
    private final ThreadPoolExecutor connections;
    private final Map<Socket, Thread> open = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    private LoopbackRedirectListener(ServerSocket server, String path, Function<URI, String> handler) {
        this.server = server;
        this.path = path;
        this.handler = handler;
        int port = server.getLocalPort();
        this.redirectUri = URI.create("http://127.0.0.1:" + port + path);
        this.connectionThreads = new NamedThreads("mfpoauth-redirect-" + port + "-c");
        this.connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                connectionThreads);
        this.acceptThreads = new NamedThreads("mfpoauth-redirect-");
        Thread thread = acceptThreads.newThread(this::acceptLoop);
        // the accept thread is named for the port alone, as the administrator's thread dump shows it
        thread.setName("mfpoauth-redirect-" + port);
        this.acceptor = thread;
    }

    /**
     * Binds 127.0.0.1 on {@code port} (0 = any free port). {@code handler} gets the full redirected URI
     * ({@code http://127.0.0.1:<port><path>?<query>}) and returns the text to show in the browser (a plain
     * sentence; the listener HTML-escapes it).
     *
     * @param path the path the redirect comes to, starting with {@code /}, without query
     * @throws IOException when the port cannot be bound
     */
    public static LoopbackRedirectListener start(int port, String path, Function<URI, String> handler)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        if (path == null || !path.startsWith("/") || !path.matches("/[A-Za-z0-9._~/%!$&'()*+,;=:@-]*")) {
            throw new IllegalArgumentException("The redirect path must start with '/' and hold no query, "
                    + "fragment or space: " + path);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Not a port: " + port);
        }
        ServerSocket server = new ServerSocket();
        try {
            // the loopback address only: nothing on the network can reach the redirect
            server.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 16);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LoopbackRedirectListener listener = new LoopbackRedirectListener(server, path, handler);
        listener.acceptor.start();
        return listener;
    }

    /** {@code http://127.0.0.1:<port><path>}: the redirect_uri to register and send. */
    public URI redirectUri() {
        return redirectUri;
    }

    /**
     * Stops accepting, drops the open connections (except one whose handler is calling this, which still gets
     * its answer) and waits up to 2 s for the threads to end. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(server);
        Thread self = Thread.currentThread();
        open.forEach((socket, thread) -> {
            if (thread != self) {
                closeQuietly(socket);
            }
        });
        // shutdown(), not shutdownNow(): closing the sockets already unblocks the threads, and a handler that
        // called close() should not find itself interrupted while it answers
        connections.shutdown();
        acceptThreads.awaitAll(CLOSE_WAIT);
        connectionThreads.awaitAll(CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return "LoopbackRedirectListener[" + redirectUri + (closed.get() ? ", closed" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
                // a failed accept (out of file descriptors, say) must not spin; the socket may be unusable
                closeQuietly(server);
                return;
            }
            try {
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                closeQuietly(socket); // too many at once, or closing
            }
        }
    }

    private void serve(Socket socket) {
        open.put(socket, Thread.currentThread());
        try (socket) {
            if (closed.get()) {
                return;
            }
            Response response = answer(socket);
            if (response != null) {
                write(socket, response);
            }
        } catch (IOException e) {
            // the browser went away or timed out: nothing to tell anyone
        } finally {
            open.remove(socket);
        }
    }

    private Response answer(Socket socket) throws IOException {
        Head head = readHead(socket);
        if (head == null) {
            return null;
        }
        if (head.text() == null) {
            return head.lineTooLong() ? new Response(414, "URI Too Long", "The address is too long.")
                    : new Response(431, "Request Header Fields Too Large", "The request is too large.");
        }
        String[] lines = head.text().split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return new Response(400, "Bad Request", "This request is not understood.");
        }
        if (!hostIsLoopback(lines)) {
            // a page that rebinds its own name to 127.0.0.1 must not reach the handler
            return new Response(400, "Bad Request", "This request is not understood.");
        }
        String target = requestLine[1];
        int q = target.indexOf('?');
        String targetPath = q < 0 ? target : target.substring(0, q);
        if (!targetPath.equals(path)) {
            return new Response(404, "Not Found", "There is nothing here.");
        }
        if (!requestLine[0].equals("GET")) {
            return new Response(405, "Method Not Allowed", "Only GET is answered here.");
        }
        String query = q < 0 ? "" : target.substring(q + 1);
        if (query.isEmpty()) {
            return new Response(400, "Bad Request", "The answer of the sign-in is missing from the address.");
        }
        URI uri;
        try {
            uri = new URI(redirectUri + "?" + query);
        } catch (URISyntaxException e) {
            return new Response(400, "Bad Request", "The address is malformed.");
        }
        String text;
        try {
            text = handler.apply(uri);
        } catch (RuntimeException e) {
            // never the exception's message: it could echo the query, which holds the code
            return new Response(500, "Internal Server Error", ERROR_TEXT);
        }
        return new Response(200, "OK", text == null || text.isBlank() ? DEFAULT_TEXT : text);
    }

    /** The request line and headers; or, when they did not fit, no text and which part overflowed. */
    private record Head(String text, boolean lineTooLong) {
    }

    /**
     * The request line and headers, read within 8 KiB and 5 s in all (a client trickling bytes cannot keep a
     * thread longer); null when the client closed or timed out first.
     */
    private static Head readHead(Socket socket) throws IOException {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[MAX_HEAD_BYTES];
        int length = 0;
        while (true) {
            int end = endOfHead(buffer, length);
            if (end >= 0) {
                return new Head(new String(buffer, 0, end, StandardCharsets.ISO_8859_1), false);
            }
            if (length == buffer.length) {
                return new Head(null, indexOf(buffer, length, (byte) '\n') < 0);
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                return null;
            }
            socket.setSoTimeout((int) remainingMs);
            int n;
            try {
                n = in.read(buffer, length, buffer.length - length);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (n < 0) {
                return null;
            }
            length += n;
        }
    }

    /** Where the head ends (before the empty line), or -1. */
    private static int endOfHead(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] == '\n') {
                if (i + 1 < length && b[i + 1] == '\n') {
                    return i;
                }
                if (i + 2 < length && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int length, byte value) {
        for (int i = 0; i < length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean hostIsLoopback(String[] lines) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("host")) {
                String host = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                if (host.startsWith("[")) {
                    int close = host.indexOf(']');
                    host = close < 0 ? host : host.substring(0, close + 1);
                } else if (host.indexOf(':') >= 0) {
                    host = host.substring(0, host.indexOf(':'));
                }
                return Urls.isLoopback(host);
            }
        }
        return true; // HTTP/1.0 without Host: only a local program sends that
    }

    private record Response(int status, String reason, String text) {
    }

    private static void write(Socket socket, Response response) throws IOException {
        byte[] body = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\"><title>Sign-in</title></head>"
                + "<body><p>" + escapeHtml(response.text()) + "</p></body></html>\n")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + response.status() + " " + response.reason() + "\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Content-Security-Policy: default-src 'none'\r\n"
                + "Cache-Control: no-store\r\n"
                // the address holds the authorization code: no page may learn it from a Referer
                + "Referrer-Policy: no-referrer\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + (response.status() == 405 ? "Allow: GET\r\n" : "")
                + "Connection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        socket.shutdownOutput();
        drain(socket);
    }

    /**
     * Reads what the client still sends (briefly, and a bounded amount) before closing: closing a socket with
     * unread input makes the system reset the connection, and the browser could then lose the answer.
     */
    private static void drain(Socket socket) {
        try {
            socket.setSoTimeout(200);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            int total = 0;
            int n;
            while (total < 64 * 1024 && (n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // done either way
        }
    }

    static String escapeHtml(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing: nothing to do about it
        }
    }
}
