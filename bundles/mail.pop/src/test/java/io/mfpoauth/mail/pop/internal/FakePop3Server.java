package io.mfpoauth.mail.pop.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A POP3 server for unit tests only: one connection at a time on 127.0.0.1, a mailbox that survives connections
 * (deletions applied at QUIT, as RFC 1939 says), and switches for the replies of Exchange Online, Gmail and Dovecot
 * that the client must handle. Every line it receives is kept in {@link #transcript}, SASL responses decoded in
 * {@link #saslPayloads}.
 */
final class FakePop3Server implements AutoCloseable {
    private static final Pattern BEARER = Pattern.compile("auth=Bearer ([^\u0001]*)\u0001");

    /** Every command received, and what the tests add (receivers), in order. */
    final List<String> transcript = new CopyOnWriteArrayList<>();
    /** The decoded SASL responses. */
    final List<String> saslPayloads = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    volatile String greeting = "+OK fake POP3 ready";
    /** CAPA's lines; null answers CAPA with -ERR. */
    volatile List<String> capabilities = List.of("TOP", "UIDL", "USER", "SASL XOAUTH2 OAUTHBEARER");
    volatile Predicate<String> tokenAccepted = token -> true;
    volatile String tokenRefusal = "-ERR Authentication failure: unknown user name or bad password.";
    /** Gmail's way: an error challenge before the -ERR. */
    volatile boolean errorChallenge;
    volatile String user = "fax";
    volatile String password = "right-password";
    volatile boolean dropAtQuit;
    volatile String quitReply = "+OK bye";
    /** A command the server never answers (it waits for the client to go away). */
    volatile String stallOn;
    /** LIST sizes to report instead of the real ones, by UIDL. */
    final Map<String, Long> listedSizes = new HashMap<>();

    private final List<Message> mailbox = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket server;
    private final Thread thread;

    private record Message(String uidl, byte[] raw) {
    }

    FakePop3Server() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-pop3");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Puts a message in the mailbox (CRLF line ends, not dot-stuffed). */
    void add(String uidl, byte[] raw) {
        mailbox.add(new Message(uidl, raw));
    }

    void add(String uidl, String raw) {
        add(uidl, raw.getBytes(StandardCharsets.UTF_8));
    }

    void remove(String uidl) {
        mailbox.removeIf(m -> m.uidl().equals(uidl));
    }

    List<String> uidls() {
        synchronized (mailbox) {
            return mailbox.stream().map(Message::uidl).toList();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                session(socket.getInputStream(), new BufferedOutputStream(socket.getOutputStream()));
            } catch (IOException e) {
                // the client went away, or the server was closed
            }
        }
    }

    private void session(InputStream in, OutputStream out) throws IOException {
        List<Message> messages;
        synchronized (mailbox) {
            messages = new ArrayList<>(mailbox);
        }
        Set<Integer> deleted = new HashSet<>();
        String pendingUser = null;
        boolean signedIn = false;
        reply(out, greeting);
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            String[] words = line.split(" ");
            String command = words[0].toUpperCase(Locale.ROOT);
            transcript.add(command.equals("PASS") ? "PASS <hidden>" : line);
            if (command.equals(stallOn)) {
                while (readLine(in) != null) {
                    // keeps the client waiting until it closes the connection
                }
                return;
            }
            switch (command) {
                case "CAPA" -> {
                    if (capabilities == null) {
                        reply(out, "-ERR unknown command");
                    } else {
                        reply(out, "+OK capability list follows");
                        for (String capability : capabilities) {
                            reply(out, capability);
                        }
                        reply(out, ".");
                    }
                }
                case "STLS" -> reply(out, "-ERR STLS not available");
                case "AUTH" -> signedIn = auth(words, in, out);
                case "USER" -> {
                    pendingUser = words.length > 1 ? words[1] : "";
                    reply(out, "+OK");
                }
                case "PASS" -> {
                    signedIn = user.equals(pendingUser) && line.substring(5).equals(password);
                    reply(out, signedIn ? "+OK signed in" : "-ERR [AUTH] Authentication failed.");
                }
                case "STAT" -> reply(out, "+OK " + messages.size() + " " + totalSize(messages));
                case "UIDL" -> listing(out, messages, deleted, m -> m.uidl());
                case "LIST" -> listing(out, messages, deleted, m -> Long.toString(
                        listedSizes.getOrDefault(m.uidl(), (long) m.raw().length)));
                case "RETR" -> retrieve(out, messages, deleted, number(words));
                case "DELE" -> {
                    int n = number(words);
                    if (n < 1 || n > messages.size() || !deleted.add(n)) {
                        reply(out, "-ERR no such message");
                    } else {
                        reply(out, "+OK marked");
                    }
                }
                case "QUIT" -> {
                    if (dropAtQuit) {
                        return;
                    }
                    if (signedIn && quitReply.startsWith("+OK")) {
                        for (int n : deleted) {
                            mailbox.remove(messages.get(n - 1));
                        }
                    }
                    reply(out, quitReply);
                    return;
                }
                default -> reply(out, "-ERR unknown command");
            }
        }
    }

    private boolean auth(String[] words, InputStream in, OutputStream out) throws IOException {
        String mechanism = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        // Like Exchange Online, a server whose CAPA lists no SASL line takes AUTH all the same.
        List<String> sasl = capabilities == null ? null : capabilities.stream().filter(c -> c.startsWith("SASL "))
                .flatMap(c -> List.of(c.split(" ")).stream()).toList();
        boolean offered = sasl == null || sasl.isEmpty() || sasl.contains(mechanism);
        if (!offered) {
            reply(out, "-ERR unsupported authentication mechanism");
            return false;
        }
        reply(out, "+ ");
        String response = readLine(in);
        transcript.add("<sasl response>");
        String payload = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
        saslPayloads.add(payload);
        if (mechanism.equals("PLAIN")) {
            boolean ok = payload.equals("\u0000" + user + "\u0000" + password);
            reply(out, ok ? "+OK signed in" : "-ERR [AUTH] Authentication failed.");
            return ok;
        }
        Matcher bearer = BEARER.matcher(payload);
        if (bearer.find() && tokenAccepted.test(bearer.group(1))) {
            reply(out, "+OK signed in");
            return true;
        }
        if (errorChallenge) {
            reply(out, "+ " + Base64.getEncoder().encodeToString(
                    "{\"status\":\"400\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}"
                            .getBytes(StandardCharsets.UTF_8)));
            String ack = readLine(in);
            transcript.add("<sasl ack " + new String(Base64.getDecoder().decode(ack), StandardCharsets.UTF_8)
                    .replace("\u0001", "^A") + ">");
        }
        reply(out, tokenRefusal);
        return false;
    }

    private interface Field {
        String of(Message m);
    }

    private static void listing(OutputStream out, List<Message> messages, Set<Integer> deleted, Field field)
            throws IOException {
        reply(out, "+OK");
        for (int n = 1; n <= messages.size(); n++) {
            if (!deleted.contains(n)) {
                reply(out, n + " " + field.of(messages.get(n - 1)));
            }
        }
        reply(out, ".");
    }

    private static void retrieve(OutputStream out, List<Message> messages, Set<Integer> deleted, int n)
            throws IOException {
        if (n < 1 || n > messages.size() || deleted.contains(n)) {
            reply(out, "-ERR no such message");
            return;
        }
        byte[] raw = messages.get(n - 1).raw();
        reply(out, "+OK " + raw.length + " octets");
        boolean lineStart = true;
        for (byte b : raw) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        reply(out, ".");
    }

    private static long totalSize(List<Message> messages) {
        return messages.stream().mapToLong(m -> m.raw().length).sum();
    }

    private static int number(String[] words) {
        try {
            return words.length > 1 ? Integer.parseInt(words[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
