package io.mfpoauth.bench.flows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small loopback SMTP server for P7's sends: it offers {@code AUTH XOAUTH2}, accepts a bearer token the
 * benchmark's authorization server issued (one-line or two-step form), takes any message and counts it.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger refusedTokens = new AtomicInteger();
    private final ServerSocket socket;
    private final ExecutorService threads;
    private final Predicate<String> validToken;
    private final AtomicInteger names = new AtomicInteger();

    ScriptedSmtpServer(Predicate<String> validToken) throws IOException {
        this.validToken = validToken;
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-smtp-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.ISO_8859_1)); OutputStream out = client.getOutputStream()) {
            client.setSoTimeout(30_000);
            send(out, "220 bench.local ESMTP scripted");
            boolean signedIn = false;
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    send(out, "250-bench.local\r\n250-8BITMIME\r\n250-SIZE 52428800\r\n250 AUTH XOAUTH2");
                } else if (upper.startsWith("AUTH XOAUTH2")) {
                    String response = line.length() > "AUTH XOAUTH2 ".length() ? line.substring(13).trim() : null;
                    if (response == null || response.isEmpty()) {
                        send(out, "334 ");
                        response = in.readLine();
                    }
                    if (response != null && accepts(response)) {
                        signedIn = true;
                        send(out, "235 2.7.0 Accepted");
                    } else {
                        refusedTokens.incrementAndGet();
                        send(out, "334 " + Base64.getEncoder().encodeToString(
                                "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"mail\"}".getBytes(StandardCharsets.UTF_8)));
                        in.readLine();
                        send(out, "535 5.7.8 Authentication failed");
                    }
                } else if (upper.startsWith("MAIL FROM")) {
                    send(out, signedIn ? "250 2.1.0 Ok" : "530 5.7.0 Authentication required");
                } else if (upper.startsWith("RCPT TO")) {
                    send(out, "250 2.1.5 Ok");
                } else if (upper.equals("DATA")) {
                    send(out, "354 End data with <CR><LF>.<CR><LF>");
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) {
                        // the message itself is not kept
                    }
                    accepted.incrementAndGet();
                    send(out, "250 2.0.0 Ok: queued");
                } else if (upper.equals("QUIT")) {
                    send(out, "221 2.0.0 Bye");
                    return;
                } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                    send(out, "250 2.0.0 Ok");
                } else {
                    send(out, "502 5.5.2 Command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private boolean accepts(String base64) {
        try {
            String decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
            int at = decoded.indexOf("auth=Bearer ");
            if (at < 0) {
                return false;
            }
            int end = decoded.indexOf('\u0001', at);
            return validToken.test(decoded.substring(at + 12, end < 0 ? decoded.length() : end));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
