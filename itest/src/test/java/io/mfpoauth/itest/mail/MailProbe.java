package io.mfpoauth.itest.mail;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Minimal raw-protocol clients for checking the test mail servers ({@link MailServer}) without a mail library: SMTP
 * submission ({@link Smtp}: EHLO, STARTTLS, AUTH XOAUTH2 one-line and two-step, OAUTHBEARER, PLAIN, sending) and POP3
 * ({@link Pop3}: STLS or implicit TLS, AUTH XOAUTH2 two-line and one-line, PLAIN, USER/PASS, STAT, RETR, DELE).
 *
 * <p>A refused XOAUTH2 / OAUTHBEARER login is completed as the SASL mechanisms require: the server's challenge
 * ({@code 334 <base64>} / {@code + <base64>}, base64 JSON such as {@code {"status":"401","schemes":"bearer",...}}) is
 * decoded into {@link AuthResult#challenge}, the client answers an empty line (XOAUTH2) or {@code \x01}
 * (OAUTHBEARER), and the final {@code 535} / {@code -ERR} ends up in {@link AuthResult#reply}.
 *
 * <p>Every connection keeps a short transcript ({@link Connection#transcript()}, credentials left out) for assertion
 * messages. Blocking I/O with a 30 s read timeout; not thread-safe.
 */
public final class MailProbe {
    /** Read timeout of every connection. */
    public static final int TIMEOUT_MILLIS = 30_000;

    private MailProbe() {
    }

    // ---- SASL initial responses ------------------------------------------------------------------------------------

    /** SASL XOAUTH2 initial response: {@code base64("user=" u "\x01auth=Bearer " t "\x01\x01")}. */
    public static String xoauth2(String user, String accessToken) {
        return b64("user=" + user + "\u0001auth=Bearer " + accessToken + "\u0001\u0001");
    }

    /** SASL OAUTHBEARER (RFC 7628) initial response. */
    public static String oauthbearer(String user, String host, int port, String accessToken) {
        return b64("n,a=" + user + ",\u0001host=" + host + "\u0001port=" + port + "\u0001auth=Bearer " + accessToken
                + "\u0001\u0001");
    }

    /** SASL PLAIN initial response (no authorization identity). */
    public static String plain(String user, String password) {
        return b64("\u0000" + user + "\u0000" + password);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a server challenge; the raw text when it is not base64. */
    static String unb64(String s) {
        try {
            return new String(Base64.getDecoder().decode(s.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /**
     * A plain-text message (RFC 5322, CRLF line ends) with a fresh Message-ID.
     *
     * @param body text; any line ends
     */
    public static String message(String from, List<String> to, String subject, String body) {
        StringBuilder b = new StringBuilder();
        b.append("From: <").append(from).append(">\r\n");
        b.append("To: ");
        for (int k = 0; k < to.size(); k++) {
            b.append(k == 0 ? "" : ", ").append('<').append(to.get(k)).append('>');
        }
        b.append("\r\n");
        b.append("Subject: ").append(subject).append("\r\n");
        b.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n");
        b.append("Message-ID: <").append(UUID.randomUUID()).append("@itest.mfp.test>\r\n");
        b.append("MIME-Version: 1.0\r\n");
        b.append("Content-Type: text/plain; charset=UTF-8\r\n");
        b.append("Content-Transfer-Encoding: 8bit\r\n");
        b.append("\r\n");
        b.append(body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n"));
        if (!body.endsWith("\n")) {
            b.append("\r\n");
        }
        return b.toString();
    }

    // ---- results ---------------------------------------------------------------------------------------------------

    /** An SMTP reply: its code and its lines' texts (without the code). */
    public static final class SmtpReply {
        public final int code;
        public final List<String> lines;

        SmtpReply(int code, List<String> lines) {
            this.code = code;
            this.lines = Collections.unmodifiableList(lines);
        }

        /** 2xx. */
        public boolean ok() {
            return code / 100 == 2;
        }

        /** The lines joined by newlines. */
        public String text() {
            return String.join("\n", lines);
        }

        /** The text of the last line (for 334: the challenge). */
        public String last() {
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < lines.size(); k++) {
                b.append(k == 0 ? "" : " | ").append(code).append(' ').append(lines.get(k));
            }
            return b.length() == 0 ? String.valueOf(code) : b.toString();
        }
    }

    /** How a SASL exchange ended. */
    public static final class AuthResult {
        /** Whether the server accepted the credentials (SMTP 235, POP3 +OK). */
        public final boolean ok;
        /** SMTP reply code of the final answer ({@code 235}, {@code 535}, {@code 500}...); 0 for POP3. */
        public final int code;
        /** The final answer's text, code or status included (e.g. {@code 535 5.7.8 ...}, {@code -ERR ...}). */
        public final String reply;
        /** The decoded challenge of a refused token (JSON such as {@code {"status":"401",...}}), or null. */
        public final String challenge;

        AuthResult(boolean ok, int code, String reply, String challenge) {
            this.ok = ok;
            this.code = code;
            this.reply = reply;
            this.challenge = challenge;
        }

        @Override
        public String toString() {
            return reply + (challenge == null ? "" : " (after challenge " + challenge + ")");
        }
    }

    // ---- connection --------------------------------------------------------------------------------------------------

    /** A line-oriented text connection, plain or TLS, with a transcript. */
    public abstract static class Connection implements Closeable {
        protected final String host;
        protected final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final Deque<String> transcript = new ArrayDeque<>();
        /** While true, lines read are not recorded (message bodies). */
        protected boolean quiet;

        Connection(String host, int port, SSLContext implicitTls) throws IOException {
            this.host = host;
            this.port = port;
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
                s.setSoTimeout(TIMEOUT_MILLIS);
                if (implicitTls != null) {
                    s = handshake(implicitTls, s);
                }
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            use(s);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = new BufferedInputStream(s.getInputStream());
            out = new BufferedOutputStream(s.getOutputStream());
        }

        private SSLSocket handshake(SSLContext ctx, Socket plain) throws IOException {
            SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host (127.0.0.1)
            tls.setSSLParameters(p);
            tls.setSoTimeout(TIMEOUT_MILLIS);
            tls.startHandshake();
            note("-- TLS " + tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite());
            return tls;
        }

        /** Switches the connection to TLS (after STARTTLS / STLS was accepted). */
        protected void upgrade(SSLContext ctx) throws IOException {
            use(handshake(ctx, socket));
        }

        /** Whether the connection is TLS now. */
        public boolean secure() {
            return socket instanceof SSLSocket;
        }

        /** The TLS protocol (e.g. {@code TLSv1.3}), or null on a plain connection. */
        public String tlsProtocol() {
            return secure() ? ((SSLSocket) socket).getSession().getProtocol() : null;
        }

        /** Reads one line (without CRLF), up to 1 MB. */
        protected String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    if (b.size() == 0) {
                        throw new EOFException("connection to " + host + ":" + port + " closed; transcript:\n"
                                + transcript());
                    }
                    break;
                }
                if (c == '\n') {
                    break;
                }
                b.write(c);
                if (b.size() > 1 << 20) {
                    throw new IOException("line longer than 1 MB from " + host + ":" + port);
                }
            }
            String line = b.toString(StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (!quiet) {
                note("S: " + cut(line));
            }
            return line;
        }

        /** Sends one line (CRLF added); {@code shown} is what the transcript records (null: the line itself). */
        protected void writeLine(String line, String shown) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            note("C: " + (shown == null ? cut(line) : shown));
        }

        protected void writeRaw(byte[] data, String shown) throws IOException {
            out.write(data);
            out.flush();
            note("C: " + shown);
        }

        private void note(String line) {
            transcript.addLast(line);
            while (transcript.size() > 60) {
                transcript.removeFirst();
            }
        }

        /** The last lines exchanged (credentials shown as {@code <...>}). */
        public String transcript() {
            return String.join("\n", transcript);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static String cut(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
        }
    }

    // ---- SMTP --------------------------------------------------------------------------------------------------------

    /** An SMTP submission client. */
    public static final class Smtp extends Connection {
        private final SmtpReply greeting;
        private Map<String, String> extensions = Collections.emptyMap();

        private Smtp(String host, int port, SSLContext implicitTls) throws IOException {
            super(host, port, implicitTls);
            greeting = reply();
        }

        /** Connects (plain; see {@link #startTls}) and reads the greeting. */
        public static Smtp connect(String host, int port) throws IOException {
            return new Smtp(host, port, null);
        }

        /** Connects to the test server's port and says EHLO. */
        public static Smtp open(MailServer server, int port) throws IOException {
            Smtp s = connect(server.host(), port);
            try {
                s.ehlo();
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }

        public SmtpReply greeting() {
            return greeting;
        }

        /** Reads one (possibly multi-line) reply. */
        public SmtpReply reply() throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = readLine();
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new IOException("not an SMTP reply: " + line + "\n" + transcript());
                }
                int code = Integer.parseInt(line.substring(0, 3));
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) != '-') {
                    return new SmtpReply(code, lines);
                }
            }
        }

        /** Sends a command line and reads the reply. */
        public SmtpReply command(String line) throws IOException {
            writeLine(line, null);
            return reply();
        }

        /** EHLO; its extensions (upper-case keyword to parameters) are then in {@link #extensions()}. */
        public SmtpReply ehlo() throws IOException {
            SmtpReply r = command("EHLO itest.mfp.test");
            Map<String, String> ext = new LinkedHashMap<>();
            if (r.ok()) {
                for (String l : r.lines.subList(1, r.lines.size())) {
                    String[] kv = l.split(" ", 2);
                    ext.put(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
                }
            }
            extensions = Collections.unmodifiableMap(ext);
            return r;
        }

        /** The EHLO extensions, e.g. {@code AUTH -> "PLAIN XOAUTH2 OAUTHBEARER"}, {@code SIZE -> "52428800"}. */
        public Map<String, String> extensions() {
            return extensions;
        }

        /** The SASL mechanisms offered by the last EHLO (upper case). */
        public List<String> authMechanisms() {
            String a = extensions.get("AUTH");
            return a == null || a.isEmpty() ? Collections.emptyList()
                    : List.of(a.toUpperCase(Locale.ROOT).trim().split("\\s+"));
        }

        /** STARTTLS, the TLS handshake (the certificate checked against {@code ctx} and the host), and EHLO again. */
        public SmtpReply startTls(SSLContext ctx) throws IOException {
            SmtpReply r = command("STARTTLS");
            if (r.code != 220) {
                throw new IOException("STARTTLS refused: " + r + "\n" + transcript());
            }
            upgrade(ctx);
            return ehlo();
        }

        /** AUTH XOAUTH2 with the initial response on the AUTH line ({@code oneLine}) or after a {@code 334}. */
        public AuthResult authXoauth2(String user, String accessToken, boolean oneLine) throws IOException {
            return auth("XOAUTH2", xoauth2(user, accessToken), oneLine, "");
        }

        /** AUTH OAUTHBEARER (RFC 7628). */
        public AuthResult authOauthbearer(String user, String accessToken, boolean oneLine) throws IOException {
            return auth("OAUTHBEARER", oauthbearer(user, host, port, accessToken), oneLine, b64("\u0001"));
        }

        /** AUTH PLAIN with the initial response on the AUTH line. */
        public AuthResult authPlain(String user, String password) throws IOException {
            return auth("PLAIN", plain(user, password), true, "*");
        }

        /**
         * A SASL exchange with one initial response; a challenge after it is answered with {@code failureAnswer}.
         */
        public AuthResult auth(String mechanism, String initialResponse, boolean oneLine, String failureAnswer)
                throws IOException {
            String shown = "<" + mechanism + " response, " + initialResponse.length() + " chars>";
            SmtpReply r;
            if (oneLine) {
                writeLine("AUTH " + mechanism + " " + initialResponse, "AUTH " + mechanism + " " + shown);
                r = reply();
            } else {
                r = command("AUTH " + mechanism);
                if (r.code != 334) {
                    return new AuthResult(false, r.code, r.toString(), null);
                }
                writeLine(initialResponse, shown);
                r = reply();
            }
            String challenge = null;
            if (r.code == 334) {
                challenge = unb64(r.last());
                writeLine(failureAnswer, null);
                r = reply();
            }
            return new AuthResult(r.code == 235, r.code, r.toString(), challenge);
        }

        /**
         * MAIL FROM, RCPT TO for each recipient, DATA with the message (dot-stuffed): the first refusal, or the reply
         * to the end of data.
         */
        public SmtpReply send(String from, List<String> to, String message) throws IOException {
            SmtpReply r = command("MAIL FROM:<" + from + ">");
            if (!r.ok()) {
                return r;
            }
            for (String rcpt : to) {
                r = command("RCPT TO:<" + rcpt + ">");
                if (!r.ok()) {
                    return r;
                }
            }
            r = command("DATA");
            if (r.code != 354) {
                return r;
            }
            writeRaw(dotStuff(message), "<message, " + message.length() + " chars>\r\n.");
            return reply();
        }

        /** QUIT (errors ignored) and close. */
        public void quit() {
            try {
                command("QUIT");
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                close();
            } catch (IOException ignored) {
                // closed
            }
        }

        private static byte[] dotStuff(String message) {
            String m = message.replace("\r\n", "\n").replace("\r", "\n");
            StringBuilder b = new StringBuilder(m.length() + m.length() / 50 + 8);
            int start = 0;
            while (start < m.length()) {
                int nl = m.indexOf('\n', start);
                String line = nl < 0 ? m.substring(start) : m.substring(start, nl);
                if (line.startsWith(".")) {
                    b.append('.');
                }
                b.append(line).append("\r\n");
                start = nl < 0 ? m.length() : nl + 1;
            }
            b.append(".\r\n");
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---- POP3 --------------------------------------------------------------------------------------------------------

    /** A POP3 client. */
    public static final class Pop3 extends Connection {
        private final String greeting;

        private Pop3(String host, int port, SSLContext implicitTls) throws IOException {
            super(host, port, implicitTls);
            greeting = readLine();
            if (!greeting.startsWith("+OK")) {
                close();
                throw new IOException("POP3 greeting: " + greeting);
            }
        }

        /** Connects in plain text (see {@link #stls}). */
        public static Pop3 connect(String host, int port) throws IOException {
            return new Pop3(host, port, null);
        }

        /** Connects with TLS from the first byte (POP3S), checking the certificate against {@code ctx} and the host. */
        public static Pop3 connectTls(String host, int port, SSLContext ctx) throws IOException {
            return new Pop3(host, port, ctx);
        }

        public String greeting() {
            return greeting;
        }

        /** Sends a command and reads the one-line answer. */
        public String command(String line) throws IOException {
            writeLine(line, null);
            return readLine();
        }

        /** CAPA: the capability lines. */
        public List<String> capa() throws IOException {
            String r = command("CAPA");
            if (!r.startsWith("+OK")) {
                throw new IOException("CAPA: " + r);
            }
            return multiLine();
        }

        /** STLS and the TLS handshake. */
        public void stls(SSLContext ctx) throws IOException {
            String r = command("STLS");
            if (!r.startsWith("+OK")) {
                throw new IOException("STLS refused: " + r + "\n" + transcript());
            }
            upgrade(ctx);
        }

        /**
         * AUTH XOAUTH2 in the two-line form ({@code AUTH XOAUTH2}, {@code +}, response), as Exchange Online needs, or
         * with the initial response on the AUTH line.
         */
        public AuthResult authXoauth2(String user, String accessToken, boolean twoLine) throws IOException {
            return auth("XOAUTH2", xoauth2(user, accessToken), twoLine, "");
        }

        /** AUTH XOAUTH2 in the two-line form. */
        public AuthResult authXoauth2(String user, String accessToken) throws IOException {
            return authXoauth2(user, accessToken, true);
        }

        /** AUTH OAUTHBEARER (RFC 7628), two-line form. */
        public AuthResult authOauthbearer(String user, String accessToken) throws IOException {
            return auth("OAUTHBEARER", oauthbearer(user, host, port, accessToken), true, b64("\u0001"));
        }

        /** AUTH PLAIN, two-line form. */
        public AuthResult authPlain(String user, String password) throws IOException {
            return auth("PLAIN", plain(user, password), true, "*");
        }

        /** USER and PASS: the answer to PASS (or to USER if refused). */
        public AuthResult userPass(String user, String password) throws IOException {
            String r = command("USER " + user);
            if (r.startsWith("+OK")) {
                writeLine("PASS " + password, "PASS <password>");
                r = readLine();
            }
            return new AuthResult(r.startsWith("+OK"), 0, r, null);
        }

        /** A SASL exchange (RFC 5034); a challenge after the response is answered with {@code failureAnswer}. */
        public AuthResult auth(String mechanism, String initialResponse, boolean twoLine, String failureAnswer)
                throws IOException {
            String shown = "<" + mechanism + " response, " + initialResponse.length() + " chars>";
            String r;
            if (twoLine) {
                r = command("AUTH " + mechanism);
                if (!r.startsWith("+") || r.startsWith("+OK")) {
                    return new AuthResult(r.startsWith("+OK"), 0, r, null);
                }
                writeLine(initialResponse, shown);
            } else {
                writeLine("AUTH " + mechanism + " " + initialResponse, "AUTH " + mechanism + " " + shown);
            }
            r = readLine();
            String challenge = null;
            if (r.startsWith("+") && !r.startsWith("+OK")) {
                challenge = unb64(r.length() > 2 ? r.substring(2) : "");
                writeLine(failureAnswer, null);
                r = readLine();
            }
            return new AuthResult(r.startsWith("+OK"), 0, r, challenge);
        }

        /** STAT: {count, total size in octets}. */
        public long[] stat() throws IOException {
            String r = command("STAT");
            if (!r.startsWith("+OK")) {
                throw new IOException("STAT: " + r + "\n" + transcript());
            }
            String[] p = r.split("\\s+");
            return new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])};
        }

        /** RETR: the message (dot-unstuffed, CRLF line ends). */
        public String retr(int n) throws IOException {
            String r = command("RETR " + n);
            if (!r.startsWith("+OK")) {
                throw new IOException("RETR " + n + ": " + r + "\n" + transcript());
            }
            StringBuilder b = new StringBuilder();
            quiet = true; // keep the message body out of the transcript
            try {
                for (String line : multiLine()) {
                    b.append(line).append("\r\n");
                }
            } finally {
                quiet = false;
            }
            return b.toString();
        }

        /** TOP n 0: the message's header. */
        public String top(int n) throws IOException {
            String r = command("TOP " + n + " 0");
            if (!r.startsWith("+OK")) {
                throw new IOException("TOP " + n + ": " + r + "\n" + transcript());
            }
            return String.join("\r\n", multiLine()) + "\r\n";
        }

        /** DELE: the answer line. */
        public String dele(int n) throws IOException {
            return command("DELE " + n);
        }

        /** QUIT (commits DELE; errors ignored) and close. */
        public String quit() {
            String r = null;
            try {
                r = command("QUIT");
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                close();
            } catch (IOException ignored) {
                // closed
            }
            return r;
        }

        private List<String> multiLine() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line = readLine(); !line.equals("."); line = readLine()) {
                lines.add(line.startsWith("..") ? line.substring(1) : line);
            }
            return lines;
        }
    }
}
