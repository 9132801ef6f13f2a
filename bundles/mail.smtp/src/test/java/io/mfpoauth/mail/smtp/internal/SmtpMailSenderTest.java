package io.mfpoauth.mail.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.net.ssl.SSLContext;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;

import io.mfpoauth.mail.Attachment;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.SettingsCodec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpMailSenderTest {
    private static final String PASSWORD = "SECRET-PASSWORD-42";
    private static final String ACCOUNT = "scanner-shared@example.com";
    private static final String REJECT_CHALLENGE = "334 " + Base64.getEncoder().encodeToString(
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://outlook.office.com/SMTP.Send\"}"
                    .getBytes(StandardCharsets.UTF_8));
    private static final List<String> REJECTED = List.of(REJECT_CHALLENGE, "535 5.7.3 Authentication unsuccessful");
    private static final List<String> ACCEPTED = List.of("235 2.7.0 Authentication successful");
    private static final DeviceTrust JVM_TRUST = () -> {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    };

    @TempDir
    Path dir;
    FakeSmtpServer server;
    final FakeTokens tokens = new FakeTokens();
    final RecordingLogger log = new RecordingLogger();
    final List<SmtpMailSender> senders = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeSmtpServer(dir);
    }

    @AfterEach
    void stop() throws IOException {
        senders.forEach(SmtpMailSender::deactivate);
        server.close();
        assertThat(String.join("\n", log.lines)).doesNotContain(FakeTokens.PREFIX, PASSWORD);
    }

    Map<String, Object> config(String... overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("server", "127.0.0.1");
        config.put("port", server.port());
        config.put("timeoutSeconds", 5);
        config.put("security", "none");
        config.put("senderName", "Scanner 3rd floor");
        config.put("senderAddress", "scanner@example.com");
        config.put("authMethod", "oauth2");
        config.put("provider", "microsoft");
        config.put("account", ACCOUNT);
        for (int i = 0; i < overrides.length; i += 2) {
            config.put(overrides[i], overrides[i + 1]);
        }
        return config;
    }

    SmtpMailSender sender(Map<String, Object> config) {
        SmtpMailSender sender = new SmtpMailSender(tokens, JVM_TRUST, FakeTokens.CLEAR_SECRETS, log.logger, config,
                null);
        senders.add(sender);
        return sender;
    }

    static OutgoingMail mail() {
        return OutgoingMail.builder().to("alice@example.com").cc("Bob <bob@example.com>").subject("Scan 1")
                .text("Your scan.").build();
    }

    static MailException failure(ThrowingSend send) {
        MailException e = catchThrowableOfType(MailException.class, send::run);
        assertThat(e).as("a MailException").isNotNull();
        assertNoSecret(e);
        return e;
    }

    interface ThrowingSend {
        void run() throws Exception;
    }

    /** No token, password or SASL response in any message of the chain. */
    static void assertNoSecret(MailException e) {
        assertThat(e.serverReply() == null ? "" : e.serverReply()).doesNotContain(FakeTokens.PREFIX, PASSWORD);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(FakeTokens.PREFIX, PASSWORD, "dXNlcj");
        }
    }

    static String decode(String authLine) {
        String[] words = authLine.split(" ");
        return new String(Base64.getDecoder().decode(words[words.length - 1]), StandardCharsets.UTF_8);
    }

    @Test
    void xoauth2SignsInAsTheSettingsAccount() throws Exception {
        SentMail sent = sender(config()).send(mail());

        assertThat(server.authLines).hasSize(1);
        assertThat(server.authLines.get(0)).startsWith("AUTH XOAUTH2 ");
        assertThat(decode(server.authLines.get(0)))
                .isEqualTo("user=" + ACCOUNT + "\u0001auth=Bearer SECRET-TOKEN-1\u0001\u0001");
        assertThat(sent.messageId).startsWith("<").endsWith("@example.com>");
        assertThat(sent.recipients).containsExactly("alice@example.com", "bob@example.com");
        assertThat(server.lines).contains("MAIL FROM:<scanner@example.com>", "RCPT TO:<alice@example.com>",
                "RCPT TO:<bob@example.com>");
        MimeMessage received = received(0);
        assertThat(received.getMessageID()).isEqualTo(sent.messageId);
        assertThat(received.getFrom()[0].toString()).isEqualTo("Scanner 3rd floor <scanner@example.com>");
        assertThat(((String) received.getContent()).strip()).isEqualTo("Your scan.");
        assertThat(tokens.rejectedCalls).hasValue(0);
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndRetriedOnANewConnection() throws Exception {
        server.authScripts = List.of(REJECTED, ACCEPTED);

        TestResult result = sender(config()).test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).isEqualTo("Connected to 127.0.0.1:" + server.port()
                + " without encryption, signed in with XOAUTH2 as " + ACCOUNT);
        assertThat(tokens.rejectedCalls).hasValue(1);
        assertThat(server.connections).hasValue(2);
        assertThat(decode(server.authLines.get(0))).contains("SECRET-TOKEN-1");
        // the empty acknowledgement of the error challenge, then the renewed token on the new connection
        assertThat(server.authLines.get(1)).isEmpty();
        assertThat(decode(server.authLines.get(2))).contains("SECRET-TOKEN-2");
    }

    @Test
    void aTokenRefusedTwiceIsReportedWithTheServersReply() {
        server.authScripts = List.of(REJECTED);

        MailException e = failure(() -> sender(config()).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_REJECTED);
        assertThat(e.serverReply()).isEqualTo("535 5.7.3 Authentication unsuccessful");
        assertThat(e.getMessage()).contains("127.0.0.1:" + server.port(), "\"status\":\"401\"");
        assertThat(tokens.rejectedCalls).hasValue(1);
        assertThat(server.connections).hasValue(2);
        assertThat(server.messages).isEmpty();
    }

    @Test
    void smtpAuthDisabledIsNotRetried() {
        server.authScripts = List.of(List.of(
                "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."));

        TestResult result = sender(config()).test();

        assertThat(result.ok).isFalse();
        assertThat(result.code).isEqualTo(MailFailure.SMTP_AUTH_DISABLED.code());
        assertThat(result.serverReply).startsWith("535 5.7.139");
        assertThat(tokens.rejectedCalls).hasValue(0);
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void oauthBearerWhenTheServerOffersNoXoauth2() throws Exception {
        server.extensions = List.of("AUTH OAUTHBEARER PLAIN");

        TestResult result = sender(config()).test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).endsWith("signed in with OAUTHBEARER as " + ACCOUNT);
        assertThat(server.authLines.get(0)).startsWith("AUTH OAUTHBEARER ");
        assertThat(decode(server.authLines.get(0))).isEqualTo("n,a=" + ACCOUNT + ",\u0001host=127.0.0.1\u0001port="
                + server.port() + "\u0001auth=Bearer SECRET-TOKEN-1\u0001\u0001");
    }

    @Test
    void aRefusedOauthBearerTokenIsAcknowledgedWithControlA() {
        server.extensions = List.of("AUTH OAUTHBEARER");
        server.authScripts = List.of(REJECTED);

        MailException e = failure(() -> sender(config()).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_REJECTED);
        assertThat(server.authLines.get(1)).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1}));
    }

    @Test
    void noOauthMechanismOffered() {
        server.extensions = List.of("AUTH PLAIN LOGIN");

        TestResult result = sender(config()).test();

        assertThat(result.code).isEqualTo(MailFailure.NO_MECHANISM.code());
        assertThat(result.message).contains("XOAUTH2 or OAUTHBEARER", "LOGIN PLAIN");
        assertThat(tokens.accessCalls).hasValue(0);
    }

    @Test
    void authRequiredAtMailFrom() {
        server.mailFromReply = "530 5.7.57 Client not authenticated to send mail. [AM0PR01CA0001]";

        MailException e = failure(() -> sender(config("authMethod", "none")).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.AUTH_REQUIRED);
        assertThat(e.serverReply()).startsWith("530 5.7.57");
        assertThat(server.authLines).isEmpty();
    }

    @Test
    void senderRefused() {
        server.mailFromReply = "550 5.7.60 SMTP; Client does not have permissions to send as this sender";

        MailException e = failure(() -> sender(config()).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.SENDER_REFUSED);
        assertThat(e.serverReply()).startsWith("550 5.7.60");
    }

    @Test
    void recipientRefusedByTheServerNamesTheAddress() {
        server.rcptReply = line -> line.contains("bob@") ? "550 5.1.10 RESOLVER.ADR.RecipientNotFound" : "250 OK";

        MailException e = failure(() -> sender(config()).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.RECIPIENT_REFUSED);
        assertThat(e.getMessage()).contains("bob@example.com");
        assertThat(e.serverReply()).startsWith("550 5.1.10");
        assertThat(server.messages).isEmpty();
    }

    @Test
    void aMalformedRecipientIsRefusedBeforeConnecting() {
        OutgoingMail mail = OutgoingMail.builder().to("alice@example.com", "not an address").build();

        MailException e = failure(() -> sender(config()).send(mail));

        assertThat(e.failure()).isEqualTo(MailFailure.RECIPIENT_REFUSED);
        assertThat(e.getMessage()).contains("'not an address'");
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void passwordSignInWithPlain() throws Exception {
        sender(config("authMethod", "password", "username", "scanner", SettingsCodec.PASSWORD, PASSWORD)).send(mail());

        assertThat(server.authLines.get(0)).startsWith("AUTH PLAIN ");
        assertThat(decode(server.authLines.get(0))).isEqualTo("\u0000scanner\u0000" + PASSWORD);
        assertThat(tokens.accessCalls).hasValue(0);
    }

    @Test
    void passwordSignInWithLoginWhenPlainIsNotOffered() {
        server.extensions = List.of("AUTH LOGIN");
        server.authScripts = List.of(List.of("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0 OK"));

        TestResult result = sender(config("authMethod", "password", "username", "scanner", SettingsCodec.PASSWORD,
                PASSWORD)).test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).endsWith("signed in with LOGIN as scanner");
        assertThat(server.authLines).containsExactly("AUTH LOGIN", b64("scanner"), b64(PASSWORD));
    }

    @Test
    void aWrongPasswordIsBadCredentials() {
        server.authScripts = List.of(List.of("535 5.7.8 Username and Password not accepted."));

        MailException e = failure(() -> sender(config("authMethod", "password", "username", "scanner",
                SettingsCodec.PASSWORD, PASSWORD)).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.BAD_CREDENTIALS);
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void connectionRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        TestResult result = sender(config("port", Integer.toString(closedPort))).test();

        assertThat(result.code).isEqualTo(MailFailure.CONNECTION_REFUSED.code());
        assertThat(result.message).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        server.silent = true;
        long start = System.nanoTime();

        SmtpMailSender sender = new SmtpMailSender(tokens, JVM_TRUST, FakeTokens.CLEAR_SECRETS, log.logger, config(),
                Duration.ofMillis(300));
        senders.add(sender);
        MailException e = failure(() -> sender.send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void startTlsRequiredButNotOffered() {
        TestResult result = sender(config("security", "starttls")).test();

        assertThat(result.code).isEqualTo(MailFailure.STARTTLS_UNAVAILABLE.code());
        assertThat(server.authLines).isEmpty();
    }

    @Test
    void tlsToAServerThatDoesNotSpeakTlsFails() {
        TestResult result = sender(config("security", "tls")).test();

        assertThat(result.code).isEqualTo(MailFailure.TLS_FAILED.code());
    }

    @Test
    void aFiveMegabyteAttachmentArrivesIntact() throws Exception {
        long size = 5L * 1024 * 1024;
        String name = "Scan \u00fcber 2025.pdf";
        OutgoingMail mail = OutgoingMail.builder().to("alice@example.com").subject("Gro\u00dfer Scan")
                .text("Anbei der Scan.").attach(Attachment.of(name, "application/pdf", () -> new PatternStream(size)))
                .build();

        sender(config()).send(mail);

        MimeMessage received = received(0);
        assertThat(received.getSubject()).isEqualTo("Gro\u00dfer Scan");
        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Anbei der Scan.");
        BodyPart pdf = parts.getBodyPart(1);
        assertThat(pdf.getFileName()).isEqualTo(name);
        assertThat(pdf.getContentType()).startsWith("application/pdf");
        try (InputStream in = pdf.getInputStream()) {
            assertThat(sha256(in)).isEqualTo(sha256(new PatternStream(size)));
        }
        assertThat(String.join("\n", log.lines)).contains("5242" /* the size logged, in bytes */);
    }

    @Test
    void anUnreadableAttachmentIsABadMessage() {
        OutgoingMail mail = OutgoingMail.builder().to("alice@example.com")
                .attach(Attachment.of("scan.pdf", "application/pdf", dir.resolve("gone.pdf"))).build();

        MailException e = failure(() -> sender(config()).send(mail));

        assertThat(e.failure()).isEqualTo(MailFailure.BAD_MESSAGE);
        assertThat(e.getMessage()).contains("scan.pdf");
    }

    @Test
    void fourConcurrentSendsAllSucceedOnAtMostThreeConnections() throws Exception {
        server.dataDelayMillis = 300;
        // Nothing kept: each send has a connection of its own (keeping is tested below).
        SmtpMailSender sender = sender(config("idleSeconds", "0"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SentMail>> sends = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sends.add(pool.submit(() -> sender.send(mail())));
            }
            for (Future<SentMail> send : sends) {
                assertThat(send.get().recipients).hasSize(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.messages).hasSize(4);
        assertThat(server.connections).hasValue(4);
        assertThat(server.maxConcurrent.get()).isBetween(2, 3);
    }

    @Test
    void aMissingConfigurationIsReportedAndAChangeAppliesToTheNextSend() throws Exception {
        SmtpMailSender sender = sender(Map.of("component.name", "x"));

        MailException e = failure(() -> sender.send(mail()));
        assertThat(e.failure()).isEqualTo(MailFailure.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains("server");
        assertThat(sender.test().code).isEqualTo(MailFailure.NOT_CONFIGURED.code());

        sender.modified(config());
        assertThat(sender.send(mail()).messageId).isNotNull();

        sender.modified(config("port", "0"));
        assertThat(failure(() -> sender.send(mail())).getMessage()).contains("port");
    }

    @Test
    void noTokenIsReportedWithoutSendingAuth() {
        tokens.failure = new io.mfpoauth.token.TokenException("not_retrieved", "No token has been retrieved.", false);

        MailException e = failure(() -> sender(config()).send(mail()));

        assertThat(e.failure()).isEqualTo(MailFailure.NO_TOKEN);
        assertThat(server.authLines).isEmpty();
    }

    @Test
    void consecutiveSendsShareOneConnectionAndOneSignIn() throws Exception {
        SmtpMailSender sender = sender(config());

        sender.send(mail());
        sender.send(mail());
        sender.send(mail());

        assertThat(server.messages).hasSize(3);
        assertThat(server.connections).hasValue(1);
        assertThat(server.authLines).hasSize(1);
        assertThat(server.lines.stream().filter("RSET"::equals)).hasSize(2);
    }

    @Test
    void passwordSendsShareOneConnectionToo() throws Exception {
        SmtpMailSender sender = sender(config("authMethod", "password", "username", "scanner", SettingsCodec.PASSWORD,
                PASSWORD));

        sender.send(mail());
        sender.send(mail());

        assertThat(server.connections).hasValue(1);
        assertThat(server.authLines).hasSize(1);
    }

    @Test
    void aRenewedTokenOpensANewConnectionAndClosesTheOldOne() throws Exception {
        SmtpMailSender sender = sender(config());
        sender.send(mail());

        tokens.rejected(null); // the token service now hands SECRET-TOKEN-2
        sender.send(mail());

        assertThat(server.connections).hasValue(2);
        assertThat(server.authLines).hasSize(2);
        assertThat(decode(server.authLines.get(1))).contains("SECRET-TOKEN-2");
        assertThat(server.quits).hasValue(1);
        assertThat(server.messages).hasSize(2);
    }

    @Test
    void aChangedSettingClosesTheKeptConnection() throws Exception {
        SmtpMailSender sender = sender(config());
        sender.send(mail());

        sender.modified(config("account", "other@example.com"));

        assertThat(server.quits).hasValue(1);
        sender.send(mail());
        assertThat(server.connections).hasValue(2);
        assertThat(decode(server.authLines.get(1))).startsWith("user=other@example.com");
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedAndTheMessageSentOnce() throws Exception {
        SmtpMailSender sender = sender(config());
        sender.send(mail());

        server.hangUp(null);
        sender.send(mail());

        assertThat(server.messages).hasSize(2);
        assertThat(server.connections).hasValue(2);
        assertThat(server.authLines).hasSize(2);
    }

    @Test
    void aKeptConnectionTheServerClosedWith421IsReplaced() throws Exception {
        SmtpMailSender sender = sender(config());
        sender.send(mail());

        server.hangUp("421 4.4.2 fake.example.com Error: timeout exceeded");
        sender.send(mail());

        assertThat(server.messages).hasSize(2);
        assertThat(server.connections).hasValue(2);
    }

    @Test
    void aConnectionLostAfterTheMessageWentOutIsReportedNotRetried() throws Exception {
        SmtpMailSender sender = sender(config());
        sender.send(mail());
        server.hangUpAfterMessage = 2;

        MailException e = failure(() -> sender.send(mail()));

        // The server may have queued it (this one did): sending it again could deliver it twice. (The failure is
        // reported as for a new connection: Jakarta Mail reads the hang-up as reply -1 to the message.)
        assertThat(e.failure()).isEqualTo(MailFailure.MESSAGE_REFUSED);
        assertThat(server.messages).hasSize(2);
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void anIdleConnectionIsClosedWithQuitAfterTheIdleTime() throws Exception {
        sender(config("idleSeconds", "1")).send(mail());

        awaitQuits(1);
        assertThat(server.lines).endsWith("QUIT");
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void deactivatingClosesEveryKeptConnection() throws Exception {
        server.dataDelayMillis = 300;
        SmtpMailSender sender = sender(config("idleSeconds", "60"));
        sendConcurrently(sender, 3);
        assertThat(server.quits).hasValue(0);

        sender.deactivate();

        assertThat(server.quits).hasValue(server.connections.get());
    }

    @Test
    void keptConnectionsCountAgainstTheLimitOfThree() throws Exception {
        server.dataDelayMillis = 300;
        SmtpMailSender sender = sender(config("idleSeconds", "60"));
        sendConcurrently(sender, 3);

        // No kept connection matches the new token: each send closes one before opening its own.
        tokens.rejected(null);
        sendConcurrently(sender, 5);

        assertThat(server.messages).hasSize(8);
        assertThat(server.maxConcurrent.get()).isLessThanOrEqualTo(3);
        assertThat(server.quits.get()).isGreaterThanOrEqualTo(server.connections.get() - 3);
    }

    private void sendConcurrently(SmtpMailSender sender, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<SentMail>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(pool.submit(() -> sender.send(mail())));
            }
            for (Future<SentMail> send : sends) {
                send.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits, at most 10 s, until the server has seen {@code count} QUITs. */
    private void awaitQuits(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.quits.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.quits).hasValue(count);
    }

    private MimeMessage received(int index) throws Exception {
        Session session = Session.getInstance(new Properties());
        return new MimeMessage(session, new SharedFileInputStream(server.messages.get(index).toFile()));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0;) {
            digest.update(buffer, 0, n);
        }
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    /** {@code size} bytes of a fixed pattern, generated as read: nothing of it is held in the heap. */
    static final class PatternStream extends InputStream {
        private final long size;
        private long position;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) ((position++ * 31 + 7) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position++ * 31 + 7) & 0xff);
            }
            return n;
        }
    }
}
