package io.mfpoauth.itest.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted SMTP or POP3 server on loopback (free port, no TLS) that signs in with XOAUTH2 or OAUTHBEARER and
 * refuses the next {@link #refusals} sign-ins the way Exchange and Dovecot do (an error challenge with base64 JSON,
 * the client's acknowledgement, then {@code 535 5.7.3} / {@code -ERR [AUTH]}). It does not check tokens: it exists
 * so the canary passes through the mail paths ({@code CanaryIT}); the real servers are in {@code mail.MailIT}.
 * It keeps the decoded SASL responses it received, so a test can show the canary really went this way.
 */
final class CanaryMailServer implements AutoCloseable {
    enum Protocol { SMTP, POP3 }

    private static final String ERROR_CHALLENGE = Base64.getEncoder().encodeToString(
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"mail\"}".getBytes(StandardCharsets.US_ASCII));

    private final Protocol protocol;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> open = new ArrayList<>();
    private final List<String> saslResponses = new ArrayList<>();
    /** Sign-ins still to refuse. */
    final AtomicInteger refusals = new AtomicInteger();
    /** Sign-ins accepted. */
    final AtomicInteger accepted = new AtomicInteger();
    /** Messages received (SMTP). */
    final AtomicInteger messages = new AtomicInteger();

    CanaryMailServer(Protocol protocol) throws IOException {
        this.protocol = protocol;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The SASL responses received, decoded from base64. */
    synchronized List<String> saslResponses() {
        return new ArrayList<>(saslResponses);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                threads.execute(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            if (protocol == Protocol.SMTP) {
                smtp(in, out);
            } else {
                pop3(in, out);
            }
        } catch (SocketException | java.net.SocketTimeoutException gone) {
            // the client hung up or the test ended
        } catch (IOException e) {
            // the same from the test's point of view
        } finally {
            synchronized (open) {
                open.remove(socket);
            }
        }
    }

    private void smtp(BufferedReader in, OutputStream out) throws IOException {
        write(out, "220 canary ESMTP ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                write(out, "250-canary\r\n250-AUTH XOAUTH2 OAUTHBEARER\r\n250-8BITMIME\r\n250 SIZE 52428800");
            } else if (upper.startsWith("HELO")) {
                write(out, "250 canary");
            } else if (upper.startsWith("AUTH ")) {
                String[] words = line.split(" ");
                String response = words.length > 2 ? words[2] : null;
                if (response == null) {
                    write(out, "334 ");
                    response = in.readLine();
                }
                if (signIn(response)) {
                    write(out, "235 2.7.0 Authentication successful");
                } else {
                    write(out, "334 " + ERROR_CHALLENGE);
                    in.readLine(); // the client's acknowledgement
                    write(out, "535 5.7.3 Authentication unsuccessful");
                }
            } else if (upper.startsWith("MAIL FROM") || upper.startsWith("RCPT TO") || upper.startsWith("RSET")
                    || upper.startsWith("NOOP")) {
                write(out, "250 2.0.0 OK");
            } else if (upper.equals("DATA")) {
                write(out, "354 End data with <CR><LF>.<CR><LF>");
                for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                    // the message body is not kept
                }
                messages.incrementAndGet();
                write(out, "250 2.0.0 OK queued");
            } else if (upper.equals("QUIT")) {
                write(out, "221 2.0.0 Bye");
                return;
            } else {
                write(out, "502 5.5.2 Command not recognised");
            }
        }
    }

    private void pop3(BufferedReader in, OutputStream out) throws IOException {
        write(out, "+OK canary POP3 ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.equals("CAPA")) {
                write(out, "+OK\r\nUIDL\r\nSASL XOAUTH2 OAUTHBEARER\r\n.");
            } else if (upper.startsWith("AUTH ")) {
                String[] words = line.split(" ");
                String response = words.length > 2 ? words[2] : null;
                if (response == null) {
                    write(out, "+ ");
                    response = in.readLine();
                }
                if (signIn(response)) {
                    write(out, "+OK signed in");
                } else {
                    write(out, "+ " + ERROR_CHALLENGE);
                    in.readLine();
                    write(out, "-ERR [AUTH] Authentication failed");
                }
            } else if (upper.equals("STAT")) {
                write(out, "+OK 0 0");
            } else if (upper.equals("UIDL") || upper.equals("LIST")) {
                write(out, "+OK\r\n.");
            } else if (upper.equals("NOOP")) {
                write(out, "+OK");
            } else if (upper.equals("QUIT")) {
                write(out, "+OK bye");
                return;
            } else {
                write(out, "-ERR unknown command");
            }
        }
    }

    private boolean signIn(String response) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(response == null ? "" : response.trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "(not base64) " + response;
        }
        synchronized (this) {
            saslResponses.add(decoded);
        }
        if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return false;
        }
        accepted.incrementAndGet();
        return true;
    }

    private static void write(OutputStream out, String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
