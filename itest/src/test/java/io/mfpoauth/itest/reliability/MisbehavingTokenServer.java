package io.mfpoauth.itest.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.mfpoauth.token.spi.ProviderEndpoints;

/**
 * A token endpoint on a raw loopback socket, so it can misbehave below HTTP as well as in it: it answers the
 * device grant and refreshes (with rotation) properly, and while {@link #fault} is set it answers every refresh
 * with that fault instead. One thread per connection; every answer closes its connection, so each request of the
 * client is a new connection the fault applies to.
 *
 * <p>It remembers every token it issued ({@link #issued()}), so a test can look for them where they must not be,
 * and what happened on each faulty connection ({@link #faultyConnections()}): how much it wrote before the client
 * went away, and how long the client stayed.
 */
final class MisbehavingTokenServer implements AutoCloseable {

    /** What a refresh request gets. */
    enum Fault {
        /** A proper answer: a new access token and a rotated refresh token. */
        NONE,
        /** Reads the request and never answers, holding the connection open. */
        TIMEOUT,
        /** Reads the request and resets the connection (TCP RST). */
        RESET,
        /** HTTP 500 with an empty body. */
        STATUS_500,
        /** HTTP 503 with {@code Retry-After: <retryAfterSeconds>} and an HTML body. */
        STATUS_503_RETRY_AFTER,
        /** HTTP 429, no Retry-After, a JSON body without an OAuth error. */
        STATUS_429,
        /** HTTP 429 with {@code Retry-After: <retryAfterSeconds>}. */
        STATUS_429_RETRY_AFTER,
        /** HTTP 200 with an HTML page (a captive portal, a proxy's error page). */
        HTML_200,
        /** HTTP 200, {@code application/json}, but the JSON is cut off in the middle. */
        INVALID_JSON,
        /** HTTP 200 announcing and sending a 10 MB body. */
        HUGE_BODY,
        /** HTTP 200 headers, then one byte every {@link #TRICKLE_MILLIS} ms, never ending. */
        TRICKLE,
        /** The provider's real verdict: {@code 400 {"error":"invalid_grant"}}. */
        INVALID_GRANT
    }

    static final int HUGE_BYTES = 10 * 1024 * 1024;
    static final long TRICKLE_MILLIS = 300;

    /** One connection that got a fault: when its request came, and once it ended, what the server wrote to it. */
    static final class FaultyConnection {
        final Fault fault;
        final long receivedNanos;
        private volatile long bytesWritten;
        private volatile long heldMillis = -1;

        FaultyConnection(Fault fault, long receivedNanos) {
            this.fault = fault;
            this.receivedNanos = receivedNanos;
        }

        /** Whether the connection is over (the client hung up, or the server finished its answer). */
        boolean ended() {
            return heldMillis >= 0;
        }

        long bytesWritten() {
            return bytesWritten;
        }

        /** How long the connection lasted after its request, -1 while it lasts. */
        long heldMillis() {
            return heldMillis;
        }
    }

    volatile Fault fault = Fault.NONE;
    volatile int retryAfterSeconds = 3;
    /** The {@code expires_in} of issued access tokens. */
    volatile long lifetimeSeconds = 3600;
    final AtomicInteger refreshRequests = new AtomicInteger();
    final AtomicInteger goodRefreshes = new AtomicInteger();

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final List<FaultyConnection> faulty = new CopyOnWriteArrayList<>();
    /** The refresh token that works now; any other gets invalid_grant, as a rotating provider answers. */
    private volatile String currentRefresh;
    /** Keeps only the last tokens when a long run issues many (the leak test issues tens of thousands). */
    private final boolean rememberAll;

    MisbehavingTokenServer(boolean rememberAll) throws IOException {
        this.rememberAll = rememberAll;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        acceptor = new Thread(this::accept, "test-misbehaving-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** Where a device-flow provider finds this server: its token and device authorization endpoints. */
    ProviderEndpoints endpoints() {
        return new ProviderEndpoints(uri("/token"), uri("/device"), null, null);
    }

    /** Every access and refresh token issued so far (when remembering all). */
    Set<String> issued() {
        return Set.copyOf(issued);
    }

    List<FaultyConnection> faultyConnections() {
        return new ArrayList<>(faulty);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(socket);
            Thread worker = new Thread(() -> serve(socket), "test-misbehaving-conn");
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            Request request = Request.read(socket.getInputStream());
            if (request == null) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            switch (request.path) {
                case "/device":
                    json(out, 200, "{\"device_code\":\"dc-" + UUID.randomUUID() + "\",\"user_code\":\"MISB-HAVE\","
                            + "\"verification_uri\":\"https://login.example.test/device\",\"expires_in\":300,"
                            + "\"interval\":1}", null);
                    return;
                case "/token":
                    token(socket, out, request.form);
                    return;
                default:
                    json(out, 404, "{\"error\":\"not_found\"}", null);
            }
        } catch (IOException e) {
            // the client went away or the server closed: what several faults are about
        } finally {
            open.remove(socket);
            workers.remove(Thread.currentThread());
        }
    }

    private void token(Socket socket, OutputStream out, Map<String, String> form) throws IOException {
        if (!"refresh_token".equals(form.get("grant_type"))) {
            json(out, 200, issue(), null); // the device grant: approved at once
            return;
        }
        refreshRequests.incrementAndGet();
        Fault f = fault;
        if (f == Fault.NONE) {
            if (currentRefresh == null || !currentRefresh.equals(form.get("refresh_token"))) {
                json(out, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"unknown refresh token\"}", null);
                return;
            }
            goodRefreshes.incrementAndGet();
            json(out, 200, issue(), null);
            return;
        }
        FaultyConnection c = new FaultyConnection(f, System.nanoTime());
        faulty.add(c);
        Counting counted = new Counting(out);
        try {
            misbehave(f, socket, counted);
        } finally {
            c.bytesWritten = counted.count;
            c.heldMillis = (System.nanoTime() - c.receivedNanos) / 1_000_000;
        }
    }

    private void misbehave(Fault f, Socket socket, Counting out) throws IOException {
        switch (f) {
            case TIMEOUT:
                // Holds the connection until the client gives up (its read then ends here with -1 or a reset).
                socket.setSoTimeout(0);
                while (socket.getInputStream().read() >= 0) {
                    // nothing more is expected from the client
                }
                return;
            case RESET:
                socket.setSoLinger(true, 0);
                return; // closing with linger 0 sends RST
            case STATUS_500:
                raw(out, 500, "text/plain", new byte[0], null);
                return;
            case STATUS_503_RETRY_AFTER:
                raw(out, 503, "text/html", "<html><body>Service Unavailable</body></html>".getBytes(StandardCharsets.UTF_8),
                        "Retry-After: " + retryAfterSeconds);
                return;
            case STATUS_429:
                json(out, 429, "{\"message\":\"too many requests\"}", null);
                return;
            case STATUS_429_RETRY_AFTER:
                json(out, 429, "{\"message\":\"too many requests\"}", "Retry-After: " + retryAfterSeconds);
                return;
            case HTML_200:
                raw(out, 200, "text/html; charset=utf-8",
                        "<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Welcome</body></html>"
                                .getBytes(StandardCharsets.UTF_8), null);
                return;
            case INVALID_JSON:
                raw(out, 200, "application/json", "{\"access_token\":\"at-cut".getBytes(StandardCharsets.UTF_8), null);
                return;
            case HUGE_BODY:
                // a small send buffer, so what the kernel holds cannot pass for what the client read
                socket.setSendBufferSize(64 * 1024);
                hugeBody(out);
                return;
            case TRICKLE:
                trickle(socket, out);
                return;
            case INVALID_GRANT:
                json(out, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS50173: the grant expired\"}", null);
                return;
            default:
                throw new IllegalStateException(String.valueOf(f));
        }
    }

    private static void hugeBody(Counting out) throws IOException {
        head(out, 200, "application/json", HUGE_BYTES, null);
        // A JSON string that is valid all the way, so only its size can stop the client.
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        out.write("{\"access_token\":\"".getBytes(StandardCharsets.US_ASCII));
        long left = HUGE_BYTES - 17L - 2;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.write("\"}".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void trickle(Socket socket, Counting out) throws IOException {
        // no Content-Length: the body ends only when the connection does, which it never does from this side
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        out.write('{');
        while (!socket.isClosed()) {
            out.write(' ');
            out.flush();
            try {
                Thread.sleep(TRICKLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String issue() {
        String access = "at-" + UUID.randomUUID();
        String refresh = "rt-" + UUID.randomUUID();
        if (rememberAll) {
            issued.add(access);
            issued.add(refresh);
        }
        currentRefresh = refresh;
        return "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetimeSeconds
                + ",\"refresh_token\":\"" + refresh + "\"}";
    }

    private static void json(OutputStream out, int status, String body, String extraHeader) throws IOException {
        raw(out, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), extraHeader);
    }

    private static void raw(OutputStream out, int status, String type, byte[] body, String extraHeader)
            throws IOException {
        head(out, status, type, body.length, extraHeader);
        out.write(body);
        out.flush();
    }

    private static void head(OutputStream out, int status, String type, long length, String extraHeader)
            throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(type).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        if (extraHeader != null) {
            h.append(extraHeader).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        join(acceptor);
        for (Thread t : workers) {
            join(t);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts what was written, to tell how much of a huge body the client took before it hung up. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        private volatile long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** The request line's path and the form body; enough HTTP/1.1 for the token service's client. */
    private record Request(String path, Map<String, String> form) {

        static Request read(InputStream in) throws IOException {
            String line = line(in);
            if (line == null || line.isEmpty()) {
                return null;
            }
            String[] parts = line.split(" ");
            if (parts.length < 2) {
                return null;
            }
            int length = 0;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    length = Integer.parseInt(h.substring(colon + 1).trim());
                }
            }
            byte[] body = in.readNBytes(Math.min(length, 64 * 1024));
            Map<String, String> form = new HashMap<>();
            for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String path = parts[1];
            int q = path.indexOf('?');
            return new Request(q < 0 ? path : path.substring(0, q), form);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    b.write(c);
                }
                if (b.size() > 8192) {
                    throw new SocketException("header line too long");
                }
            }
            if (c < 0 && b.size() == 0) {
                return null;
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }
}
