package io.mfpoauth.mail.pop.internal;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.Failures;
import io.mfpoauth.mail.auth.Sasl;
import io.mfpoauth.mail.auth.TokenLogin;

/**
 * One POP3 connection of a POP setting: connect, secure, sign in, then the commands a check needs.
 *
 * <p>Design: this is our own small client (RFC 1939 POP3, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH), not Angus
 * Mail's POP3 store. Angus's POP3 offers neither OAUTHBEARER nor a SASL hook; the failures we map need the server's
 * exact {@code -ERR} lines; and RETR must stream to a file, so that a fax of many megabytes never sits in the
 * firmware's 32 MB heap. POP3 is a handful of commands, and every one of them is here.
 *
 * <p>Bounds a hostile server cannot get round: a reply line is at most {@value #MAX_LINE} bytes, a listing at most
 * {@value #MAX_LISTED} entries, a message at most {@link #MAX_MESSAGE} bytes. TLS is never given up: a setting that
 * asks for STARTTLS fails when the server does not offer it. Deletions take effect only at a successful QUIT, so a
 * connection that dies earlier leaves every message on the server.
 *
 * <p>Nothing here logs, and no exception, reply or {@code toString} carries a token, a SASL response or a password.
 * A connection is used by one thread; {@link #abort()} may be called from any other.
 */
final class Pop3Client implements Closeable {
    /** The longest reply line accepted, in bytes. */
    static final int MAX_LINE = 8 * 1024;
    /** The largest message taken (64 MiB); a larger one stays on the server. */
    static final long MAX_MESSAGE = 64L * 1024 * 1024;
    /**
     * The most entries of a UIDL or LIST reply kept: the newest (highest numbers), so that a mailbox that keeps its
     * messages on the server still shows its new ones; a mailbox that deletes works through the rest check by check.
     */
    static final int MAX_LISTED = 10_000;
    private static final int MAX_CAPABILITIES = 200;
    /** More CAPA lines than any server sends: beyond, the reply is refused rather than read for ever. */
    private static final int MAX_CAPA_LINES = 1_000;
    /** The time one connection may take at the least (a multi-MB fax over a slow link); plus 10 timeouts. */
    private static final java.time.Duration CONNECTION_TIME = java.time.Duration.ofMinutes(15);
    /** RFC 1939 allows 70; a little slack for servers that exceed it. */
    private static final int MAX_UIDL = 255;

    /** The entries of a UIDL or LIST reply by message number; {@code complete} is false when some were left out. */
    record Listing<T>(Map<Integer, T> entries, boolean complete) {
    }

    /** The reply to STAT. */
    record Stat(int messages, long octets) {
    }

    private final PopSettings settings;
    private final DeviceTrust trust;
    private final String host;
    private final String server;
    private final Socket plain = new Socket();
    private volatile Socket socket = plain;
    private volatile boolean usable = true;
    private Pop3Input in;
    private OutputStream out;
    private boolean capaAnswered;
    private Set<String> capabilities = Set.of();
    /** The mechanisms of CAPA's SASL line (upper case), or null when CAPA has none. */
    private Set<String> sasl;
    /** What was sent to sign in (token, password, SASL response): scrubbed from every later reply a server echoes. */
    private final List<String> sent = new ArrayList<>();

    Pop3Client(PopSettings settings, DeviceTrust trust) {
        this.settings = settings;
        this.trust = trust;
        String name = settings.server;
        this.host = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        this.server = settings.server + ":" + settings.port;
    }

    /** The server as failures name it, {@code host:port}. */
    String server() {
        return server;
    }

    /** Connects, secures the connection as the setting says, checks the greeting and reads the capabilities. */
    void open() throws MailException {
        int timeout = settings.timeoutSeconds * 1000;
        try {
            plain.connect(new InetSocketAddress(host, settings.port), timeout);
            plain.setSoTimeout(timeout);
            if (settings.security == Security.TLS) {
                secure();
            } else {
                attach(plain);
            }
        } catch (IOException e) {
            throw fault(e);
        }
        String greeting = readReply();
        if (!ok(greeting)) {
            throw refusal(greeting);
        }
        readCapabilities();
        if (settings.security == Security.STARTTLS) {
            startTls();
        }
    }

    private void startTls() throws MailException {
        if (capaAnswered && !capabilities.contains("STLS")) {
            close();
            throw new MailException(MailFailure.STARTTLS_UNAVAILABLE, "Mail server " + server + ": "
                    + MailFailure.STARTTLS_UNAVAILABLE.advice() + " (its capabilities do not list STLS)");
        }
        String reply = command("STLS");
        if (!ok(reply)) {
            close();
            throw Failures.reply(MailFailure.STARTTLS_UNAVAILABLE, server, reply);
        }
        try {
            secure();
        } catch (IOException e) {
            throw fault(e);
        }
        // RFC 2595: what the server offers may change once the connection is secure.
        readCapabilities();
    }

    private void secure() throws IOException {
        SSLSocket tls = (SSLSocket) trust.context().getSocketFactory().createSocket(plain, host, settings.port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        socket = tls;
        tls.startHandshake();
        attach(tls);
    }

    private void attach(Socket connected) throws IOException {
        in = new Pop3Input(connected.getInputStream(), CONNECTION_TIME.plusSeconds(10L * settings.timeoutSeconds));
        out = new BufferedOutputStream(connected.getOutputStream(), 8 * 1024);
    }

    private void readCapabilities() throws MailException {
        capabilities = new HashSet<>();
        sasl = null;
        capaAnswered = ok(command("CAPA"));
        if (!capaAnswered) {
            return;
        }
        int lines = 0;
        for (String line = nextLine(); line != null; line = nextLine()) {
            if (++lines > MAX_CAPA_LINES) {
                throw fault(new ProtocolException("its CAPA reply has more than " + MAX_CAPA_LINES + " lines"));
            }
            String[] words = line.trim().toUpperCase(Locale.ROOT).split("\\s+");
            if (capabilities.size() < MAX_CAPABILITIES) {
                capabilities.add(words[0]);
            }
            if (words[0].equals("SASL") && sasl == null) {
                sasl = new HashSet<>(List.of(words).subList(1, Math.min(words.length, MAX_CAPABILITIES)));
            }
        }
    }

    /**
     * Signs in with an access token: XOAUTH2 or OAUTHBEARER as the setting and CAPA's SASL line decide (XOAUTH2 when
     * CAPA lists no SASL at all, as Exchange Online before sign-in), always in the two-line form Exchange Online
     * requires ({@code AUTH XOAUTH2}, the server's {@code +}, then the response).
     *
     * @throws TokenLogin.Rejected when the server refused the token itself
     */
    void signInWithToken(String account, String token, OAuthMechanism choice)
            throws TokenLogin.Rejected, MailException {
        Sasl mechanism;
        if (sasl == null) {
            mechanism = choice == OAuthMechanism.OAUTHBEARER ? Sasl.OAUTHBEARER : Sasl.XOAUTH2;
        } else {
            mechanism = Sasl.choose(choice, sasl);
        }
        if (mechanism == null) {
            throw noMechanism(choice == null || choice == OAuthMechanism.AUTO ? "XOAUTH2 or OAUTHBEARER"
                    : choice.name());
        }
        String response = saslField(() -> mechanism == Sasl.XOAUTH2 ? Sasl.xoauth2(account, token)
                : Sasl.oauthBearer(account, host, settings.port, token));
        String refused = authenticate(mechanism, response, token);
        if (refused != null) {
            MailFailure failure = Failures.popAuth(refused, true);
            MailException e = Failures.reply(failure, server, refused);
            if (failure == MailFailure.TOKEN_REJECTED) {
                throw new TokenLogin.Rejected(e);
            }
            throw e;
        }
    }

    /** Signs in with a user name and password: AUTH PLAIN when CAPA's SASL line offers it, else USER and PASS. */
    void signInWithPassword(String user, String password) throws MailException {
        if (sasl != null && sasl.contains(Sasl.PLAIN.mechanismName())) {
            String response = saslField(() -> Sasl.plain(user, password));
            String refused = authenticate(Sasl.PLAIN, response, password);
            if (refused != null) {
                throw Failures.reply(Failures.popAuth(refused, false), server, refused);
            }
            return;
        }
        saslField(() -> Sasl.plain(user, password)); // the same checks: one line each, no control characters
        String reply = command("USER " + user);
        if (ok(reply)) {
            sent.add(password);
            reply = command("PASS " + password);
        }
        if (!ok(reply)) {
            throw Failures.reply(Failures.popAuth(reply, false), server, reply);
        }
    }

    /**
     * RFC 5034 in two lines. @return null when signed in, else the server's final {@code -ERR} line (secrets
     * removed)
     */
    private String authenticate(Sasl mechanism, String response, String secret) throws MailException {
        sent.add(secret);
        sent.add(response);
        String reply = command("AUTH " + mechanism.mechanismName());
        if (!reply.startsWith("+") || ok(reply)) {
            // Refused before the token or password was sent: the mechanism, not the credentials.
            MailFailure failure = Failures.popAuth(reply, false);
            throw Failures.reply(failure == MailFailure.BAD_CREDENTIALS ? MailFailure.NO_MECHANISM : failure, server,
                    reply);
        }
        send(response);
        reply = readReply();
        if (reply.startsWith("+") && !ok(reply)) {
            // An error challenge (XOAUTH2's and OAUTHBEARER's JSON): acknowledge it, the failure follows.
            String challenge = reply;
            try {
                send(mechanism == Sasl.PLAIN ? "*" : Sasl.errorAcknowledgement(mechanism));
                reply = readReply();
            } catch (MailException hungUp) {
                // Some servers hang up instead of answering: the challenge already said the sign-in was refused.
                reply = "-ERR the server closed the connection after refusing the sign-in: "
                        + Sasl.readableChallenge(challenge.substring(1).trim());
            }
        }
        return ok(reply) ? null : reply; // secrets already removed by readReply
    }

    /** The number of messages and their size. */
    Stat stat() throws MailException {
        String reply = command("STAT");
        String[] words = reply.split(" ");
        try {
            if (ok(reply) && words.length >= 3) {
                return new Stat(Integer.parseInt(words[1]), Long.parseLong(words[2]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Failures.reply(MailFailure.SERVER_ERROR, server, reply);
    }

    /** UIDL: the unique id of each message, by message number. */
    Listing<String> uidl() throws MailException {
        return listing("UIDL", uid -> uid.length() <= MAX_UIDL && uid.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                ? uid : null);
    }

    /** LIST: the size of each message in bytes, by message number. */
    Listing<Long> list() throws MailException {
        return listing("LIST", size -> {
            try {
                long value = Long.parseLong(size);
                return value < 0 ? null : value;
            } catch (NumberFormatException e) {
                return null;
            }
        });
    }

    /** Reads a multi-line listing as it arrives, keeping only the parsed values of the newest entries. */
    private <T> Listing<T> listing(String command, Function<String, T> parser) throws MailException {
        String reply = command(command);
        if (!ok(reply)) {
            throw Failures.reply(MailFailure.SERVER_ERROR, server, reply);
        }
        Map<Integer, T> entries = new LinkedHashMap<>();
        boolean complete = true;
        int lines = 0;
        for (String line = nextLine(); line != null; line = nextLine()) {
            if (++lines > 2 * MAX_LISTED) {
                // The newest MAX_LISTED are kept while reading; a listing twice as long is not a mailbox's.
                throw fault(new ProtocolException("its " + command + " listing has more than " + 2 * MAX_LISTED
                        + " lines"));
            }
            String[] words = line.trim().split(" +");
            T value = null;
            try {
                value = words.length >= 2 ? parser.apply(words[1]) : null;
                if (value != null) {
                    entries.put(Integer.valueOf(words[0]), value);
                }
            } catch (NumberFormatException e) {
                value = null;
            }
            complete &= value != null;
            if (entries.size() > MAX_LISTED) {
                entries.remove(entries.keySet().iterator().next());
                complete = false;
            }
        }
        return new Listing<>(entries, complete);
    }

    /**
     * RETR: streams a message into {@code file}, stuffed dots removed.
     *
     * @return the message's size in bytes
     * @throws MailException with the server's reply when it refused this message (the connection stays usable),
     *         or for a fault that ended the connection ({@link #usable()} is then false)
     */
    long retrieve(int number, Path file) throws MailException {
        OutputStream target;
        try {
            target = new LocalFile(Files.newOutputStream(file));
        } catch (IOException e) {
            throw notStored(e);
        }
        try (target) {
            String reply = command("RETR " + number);
            if (!ok(reply)) {
                throw Failures.reply(MailFailure.SERVER_ERROR, server, reply);
            }
            return in.copyBody(target, MAX_MESSAGE);
        } catch (UncheckedIOException e) {
            // The rest of the message is still coming: the connection cannot be used any more.
            close();
            throw notStored(e.getCause());
        } catch (IOException e) {
            throw fault(e);
        }
    }

    private MailException notStored(IOException e) {
        return new MailException(MailFailure.SERVER_ERROR, "The device could not store a message from " + server
                + " (" + e.getMessage() + "); it stays on the server.", null, e);
    }

    /** DELE: marks a message for deletion at QUIT. @return whether the server accepted */
    boolean delete(int number) throws MailException {
        return ok(command("DELE " + number));
    }

    /** QUIT: ends the session, which deletes the marked messages, and closes. @return whether the server agreed */
    boolean quit() throws MailException {
        try {
            return ok(command("QUIT"));
        } finally {
            close();
        }
    }

    /** Whether the connection can still take commands. */
    boolean usable() {
        return usable;
    }

    /** Ends the connection at once, from any thread: a read in progress fails, nothing marked is deleted. */
    void abort() {
        usable = false;
        closeQuietly(plain);
    }

    @Override
    public void close() {
        usable = false;
        closeQuietly(socket);
        closeQuietly(plain);
    }

    @Override
    public String toString() {
        return "Pop3Client[" + server + ", " + settings.security.key() + "]";
    }

    private String command(String line) throws MailException {
        send(line);
        return readReply();
    }

    private void send(String line) throws MailException {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw fault(e);
        }
    }

    private String readReply() throws MailException {
        try {
            String reply = in.readLine(MAX_LINE);
            for (String secret : sent) {
                reply = scrub(reply, secret);
            }
            return reply;
        } catch (IOException e) {
            throw fault(e);
        }
    }

    /** The next line of a multi-line reply with its stuffed dot removed, or null after the terminating line. */
    private String nextLine() throws MailException {
        String line = readReply();
        if (line.equals(".")) {
            return null;
        }
        return line.startsWith(".") ? line.substring(1) : line;
    }

    private MailException fault(IOException e) {
        close();
        if (e instanceof ProtocolException) {
            return new MailException(MailFailure.SERVER_ERROR, "Mail server " + server + ": " + e.getMessage()
                    + "; the device closed the connection.", null, e);
        }
        return Failures.network(e, server);
    }

    /** An {@code -ERR} greeting. */
    private MailException refusal(String reply) {
        close();
        String text = reply.toUpperCase(Locale.ROOT);
        boolean busy = text.contains("[IN-USE]") || text.contains("[SYS/TEMP]");
        return Failures.reply(busy ? MailFailure.SERVER_BUSY : MailFailure.SERVER_ERROR, server, reply);
    }

    private MailException noMechanism(String wanted) {
        close();
        return new MailException(MailFailure.NO_MECHANISM, "Mail server " + server + ": "
                + MailFailure.NO_MECHANISM.advice() + " (wanted " + wanted + ", offered " + sasl + ")");
    }

    /** Builds a SASL response; its checks name the problem, never the value. */
    private String saslField(SaslResponse response) throws MailException {
        try {
            return response.build();
        } catch (IllegalArgumentException e) {
            close();
            throw new MailException(MailFailure.NOT_CONFIGURED, "Mail server " + server + ": the sign-in cannot be "
                    + "sent (" + e.getMessage() + ").");
        }
    }

    @FunctionalInterface
    private interface SaslResponse {
        String build();
    }

    private static boolean ok(String reply) {
        return reply.regionMatches(true, 0, "+OK", 0, 3);
    }

    /** A server could echo what it was sent: never pass a secret on in a reply. */
    private static String scrub(String reply, String secret) {
        return secret == null || secret.isEmpty() ? reply : reply.replace(secret, "<hidden>");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The message file: its I/O failures are the device's, not the network's. */
    private static final class LocalFile extends FilterOutputStream {
        LocalFile(OutputStream file) {
            super(new BufferedOutputStream(file, 64 * 1024));
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
