package io.mfpoauth.mail.smtp.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on 127.0.0.1 for unit tests only: greeting, EHLO, AUTH by script, MAIL/RCPT/DATA. Each
 * message is written to a file so a large one never has to fit in the test's small heap.
 */
final class FakeSmtpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Path messageDir;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    /** The EHLO extension lines. */
    volatile List<String> extensions = List.of("AUTH XOAUTH2 OAUTHBEARER PLAIN", "SIZE 36700160");
    /**
     * The replies to the n-th AUTH (the last script repeats): after a 334 the server reads one more client line
     * before the next reply.
     */
    volatile List<List<String>> authScripts = List.of(List.of("235 2.7.0 Authentication successful"));
    volatile String mailFromReply = "250 2.1.0 Sender OK";
    volatile UnaryOperator<String> rcptReply = line -> "250 2.1.5 Recipient OK";
    volatile long dataDelayMillis;
    /** The n-th message (1-based) is read and stored, then the connection is dropped without a reply; 0: none. */
    volatile int hangUpAfterMessage;
    /** Accepts connections and never answers. */
    volatile boolean silent;
    /** With a context: offers STARTTLS (and no AUTH before it), or speaks TLS from the first byte. */
    volatile SSLContext tls;
    volatile boolean implicitTls;

    /** Every line the clients sent, AUTH lines with their secrets included. */
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final List<String> authLines = Collections.synchronizedList(new ArrayList<>());
    final List<Path> messages = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger auths = new AtomicInteger();

    FakeSmtpServer(Path messageDir) throws IOException {
        this.messageDir = messageDir;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                connections.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        boolean ended = false;
        Socket socket = plain;
        try (plain) {
            if (silent) {
                socket.getInputStream().read();
                return;
            }
            if (implicitTls) {
                socket = secure(socket);
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            reply(out, "220 fake.example.com ESMTP ready");
            String line;
            while ((line = readLine(in)) != null) {
                lines.add(line);
                String verb = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (verb) {
                    case "EHLO":
                        StringBuilder ehlo = new StringBuilder("250-fake.example.com hello");
                        if (tls != null && !(socket instanceof SSLSocket)) {
                            ehlo.append("\r\n250-STARTTLS");
                        } else {
                            for (String extension : extensions) {
                                ehlo.append("\r\n250-").append(extension);
                            }
                        }
                        reply(out, ehlo.append("\r\n250 8BITMIME").toString());
                        break;
                    case "HELO":
                    case "RSET":
                    case "NOOP":
                        reply(out, "250 OK");
                        break;
                    case "AUTH":
                        if (!authenticate(line, in, out)) {
                            return;
                        }
                        break;
                    case "MAIL":
                        reply(out, mailFromReply);
                        break;
                    case "RCPT":
                        reply(out, rcptReply.apply(line));
                        break;
                    case "DATA":
                        reply(out, "354 Start mail input; end with <CRLF>.<CRLF>");
                        Path file = Files.createTempFile(messageDir, "message", ".eml");
                        try (OutputStream message = Files.newOutputStream(file)) {
                            for (String data; (data = readLine(in)) != null && !data.equals(".");) {
                                message.write((data.startsWith(".") ? data.substring(1) : data)
                                        .getBytes(StandardCharsets.ISO_8859_1));
                                message.write('\r');
                                message.write('\n');
                            }
                        }
                        Thread.sleep(dataDelayMillis);
                        messages.add(file);
                        if (messages.size() == hangUpAfterMessage) {
                            return;
                        }
                        reply(out, "250 2.0.0 OK queued as " + messages.size());
                        break;
                    case "STAR":
                        reply(out, "220 2.0.0 Ready to start TLS");
                        socket = secure(socket);
                        in = new BufferedInputStream(socket.getInputStream());
                        out = socket.getOutputStream();
                        break;
                    case "QUIT":
                        // Counted as gone before the reply: a client that read it may open its next connection.
                        quits.incrementAndGet();
                        ended = true;
                        concurrent.decrementAndGet();
                        reply(out, "221 2.0.0 Bye");
                        return;
                    default:
                        reply(out, "500 5.5.2 Command not recognized");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the test is over
        } finally {
            if (!ended) {
                concurrent.decrementAndGet();
            }
        }
    }

    private SSLSocket secure(Socket socket) throws IOException {
        SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        secured.setUseClientMode(false);
        secured.startHandshake();
        return secured;
    }

    /** Runs the AUTH script; false when the server hangs up after a refusal, as Exchange Online does. */
    private boolean authenticate(String line, InputStream in, OutputStream out) throws IOException {
        authLines.add(line);
        List<List<String>> scripts = authScripts;
        List<String> script = scripts.get(Math.min(auths.getAndIncrement(), scripts.size() - 1));
        for (int i = 0; i < script.size(); i++) {
            reply(out, script.get(i));
            if (script.get(i).startsWith("334") && i + 1 < script.size()) {
                String answer = readLine(in);
                if (answer == null) {
                    return false;
                }
                authLines.add(answer);
            }
        }
        return script.get(script.size() - 1).startsWith("235");
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A CRLF-terminated line as bytes in ISO-8859-1, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b; (b = in.read()) >= 0;) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    /**
     * Hangs up every open connection, as a server does with idle ones: with {@code farewell} (e.g. a 421) first when
     * it is not null.
     */
    void hangUp(String farewell) {
        synchronized (sockets) {
            for (Socket socket : sockets) {
                try {
                    if (farewell != null && !socket.isClosed()) {
                        reply(socket.getOutputStream(), farewell);
                    }
                    socket.close();
                } catch (IOException alreadyGone) {
                    // nothing to hang up
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        threads.shutdownNow();
    }
}
