package io.mfpoauth.mail.pop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mfpoauth.mail.MailReceiver;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.ReceivedMail;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;

class PopMailboxTest {
    static final DeviceTrust TRUST = () -> {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    };
    private static final AtomicLong SERVICE_IDS = new AtomicLong(100);

    @TempDir
    Path data;
    FakePop3Server server;
    final RecordingLog log = new RecordingLog();
    FakeTokens tokens = new FakeTokens("token-1", "token-2");

    @BeforeEach
    void start() throws IOException {
        server = new FakePop3Server();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    // ---- sign-in --------------------------------------------------------------------------------------------

    @Test
    void xoauth2InTwoLinesAsTheSettingsAccount() {
        TestResult result = mailbox().test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).contains("0 messages");
        assertThat(server.transcript).contains("AUTH XOAUTH2").doesNotContain("USER fax");
        assertThat(server.saslPayloads).containsExactly("user=fax@contoso.com\u0001auth=Bearer token-1\u0001\u0001");
        assertThat(server.transcript).containsSubsequence("CAPA", "AUTH XOAUTH2", "<sasl response>", "STAT", "QUIT");
    }

    @Test
    void xoauth2WhenCapaListsNoSaslAsExchangeOnline() {
        server.capabilities = List.of("TOP", "UIDL", "USER");

        assertThat(mailbox().test().ok).isTrue();
        assertThat(server.transcript).contains("AUTH XOAUTH2");
    }

    @Test
    void oauthbearerWhenOnlyItIsOffered() {
        server.capabilities = List.of("UIDL", "SASL OAUTHBEARER");

        assertThat(mailbox().test().ok).isTrue();
        assertThat(server.transcript).contains("AUTH OAUTHBEARER");
        assertThat(server.saslPayloads).containsExactly("n,a=fax@contoso.com,\u0001host=127.0.0.1\u0001port="
                + server.port() + "\u0001auth=Bearer token-1\u0001\u0001");
    }

    @Test
    void noMatchingMechanismIsSaidSo() {
        server.capabilities = List.of("UIDL", "SASL PLAIN");

        TestResult result = mailbox().test();

        assertThat(result.code).isEqualTo("no_mechanism");
        assertThat(server.transcript).noneMatch(l -> l.startsWith("AUTH"));
    }

    @Test
    void aRejectedTokenIsRenewedOnceAndTriedOnANewConnection() {
        server.tokenAccepted = "token-2"::equals;
        server.add("m1", message("1", "Fax", "page"));
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper);

        PollResult result = mailbox.poll();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.accepted).isEqualTo(1);
        assertThat(tokens.rejectedCalls).hasValue(1);
        assertThat(server.connections).hasValue(2);
        assertThat(server.saslPayloads).hasSize(2);
        assertThat(server.saslPayloads.get(1)).contains("auth=Bearer token-2");
    }

    @Test
    void aTokenRejectedTwiceIsTokenRejectedWithTheServersReply() {
        server.tokenAccepted = token -> false;
        server.errorChallenge = true;
        server.tokenRefusal = "-ERR [AUTH] Invalid credentials.";

        TestResult result = mailbox().test();

        assertThat(result.code).isEqualTo("token_rejected");
        assertThat(result.serverReply).isEqualTo("-ERR [AUTH] Invalid credentials.");
        assertThat(result.message).contains("127.0.0.1:" + server.port(), "-ERR [AUTH] Invalid credentials.");
        assertThat(tokens.rejectedCalls).hasValue(1);
        assertThat(server.connections).hasValue(2);
        // The error challenge was acknowledged (XOAUTH2: an empty response) before the final -ERR.
        assertThat(server.transcript).contains("<sasl ack >");
    }

    @Test
    void oauthbearerAcknowledgesAnErrorChallengeWithCtrlA() {
        server.capabilities = List.of("UIDL", "SASL OAUTHBEARER");
        server.tokenAccepted = token -> false;
        server.errorChallenge = true;

        assertThat(mailbox().test().code).isEqualTo("token_rejected");
        assertThat(server.transcript).contains("<sasl ack ^A>");
    }

    @Test
    void popDisabledIsNotARejectedToken() {
        server.tokenAccepted = token -> false;
        server.tokenRefusal = "-ERR [AUTH] POP3 access is disabled for this account.";

        TestResult result = mailbox().test();

        assertThat(result.code).isEqualTo("pop_disabled");
        assertThat(result.serverReply).isEqualTo(server.tokenRefusal);
        assertThat(tokens.rejectedCalls).hasValue(0);
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void noTokenIsNoToken() {
        tokens = new FakeTokens();

        TestResult result = mailbox().test();

        assertThat(result.code).isEqualTo("no_token");
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void userAndPassWithAWrongPasswordIsBadCredentials() {
        server.capabilities = List.of("UIDL", "USER");

        TestResult result = mailbox("authMethod", "password", "username", "fax", ".password", "wrong-pass-4711")
                .test();

        assertThat(result.code).isEqualTo("bad_credentials");
        assertThat(result.serverReply).isEqualTo("-ERR [AUTH] Authentication failed.");
        assertThat(server.transcript).containsSubsequence("USER fax", "PASS <hidden>");
        assertThat(result.message + result.serverReply).doesNotContain("wrong-pass-4711");
    }

    @Test
    void userAndPassWhenCapaIsNotUnderstood() {
        server.capabilities = null;

        TestResult result = mailbox("authMethod", "password", "username", "fax", ".password", "right-password")
                .test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(server.transcript).contains("USER fax");
    }

    @Test
    void authPlainWhenOffered() {
        server.capabilities = List.of("UIDL", "USER", "SASL PLAIN");

        TestResult result = mailbox("authMethod", "password", "username", "fax", ".password", "right-password")
                .test();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(server.transcript).contains("AUTH PLAIN").doesNotContain("USER fax");
        assertThat(server.saslPayloads).containsExactly("\u0000fax\u0000right-password");
    }

    @Test
    void noSecretInAnyResultOrLog() {
        tokens = new FakeTokens("secret-token-AAA", "secret-token-BBB");
        server.tokenAccepted = token -> false;
        server.errorChallenge = true;
        // A careless server that echoes what it was sent.
        server.tokenRefusal = "-ERR bad token secret-token-BBB";
        List<String> seen = new ArrayList<>();
        PopMailboxComponent oauth = mailbox();
        TestResult tested = oauth.test();
        PollResult polled = oauth.poll();
        seen.add(tested.message);
        seen.add(tested.serverReply);
        seen.add(polled.message);
        seen.add(oauth.lastPoll().toString());

        server.capabilities = List.of("UIDL", "SASL PLAIN");
        TestResult plain = mailbox("authMethod", "password", "username", "fax", ".password", "pw-secret-99").test();
        seen.add(plain.message);
        seen.add(plain.serverReply);
        seen.addAll(log.lines);

        assertThat(tested.code).isEqualTo("token_rejected");
        assertThat(plain.code).isEqualTo("bad_credentials");
        List<String> secrets = new ArrayList<>(List.of("secret-token-AAA", "secret-token-BBB", "pw-secret-99"));
        for (String payload : server.saslPayloads) {
            secrets.add(Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        }
        for (String text : seen) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }

    // ---- security and network ---------------------------------------------------------------------------------

    @Test
    void startTlsRequiredButNotOfferedNeverGoesOnInPlainText() {
        TestResult result = mailbox("security", "starttls").test();

        assertThat(result.code).isEqualTo("starttls_unavailable");
        assertThat(server.transcript).noneMatch(l -> l.startsWith("AUTH") || l.startsWith("USER")
                || l.startsWith("STLS"));
    }

    @Test
    void startTlsRefusedByTheServerIsUnavailableToo() {
        server.capabilities = null;

        TestResult result = mailbox("security", "starttls").test();

        assertThat(result.code).isEqualTo("starttls_unavailable");
        assertThat(result.serverReply).isEqualTo("-ERR STLS not available");
        assertThat(server.transcript).noneMatch(l -> l.startsWith("AUTH") || l.startsWith("USER"));
    }

    @Test
    void tlsWithAServerThatSpeaksNoTlsFails() {
        assertThat(mailbox("security", "tls").test().code).isEqualTo("tls_failed");
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        TestResult result = mailbox("port", port).test();

        assertThat(result.code).isEqualTo("connection_refused");
        assertThat(result.message).contains("127.0.0.1:" + port);
    }

    @Test
    void anOverlongReplyLineIsRefusedWithoutReadingItAll() {
        server.greeting = "+OK " + "x".repeat(1_000_000);

        TestResult result = mailbox().test();

        assertThat(result.code).isEqualTo("server_error");
        assertThat(result.message).contains("longer than 8192 bytes");
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    @Test
    void dotStuffedLinesAndALargeMessageArriveIntact() {
        String dots = "Message-ID: <dots@example.com>\r\nSubject: dots\r\n\r\n.\r\n..\r\n.hidden\r\n...\r\n"
                + "a line\r\n. \r\n";
        byte[] large = largeMessage(5 * 1024 * 1024);
        server.add("dots", dots);
        server.add("large", large);
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper);

        PollResult result = mailbox.poll();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.accepted).isEqualTo(2);
        assertThat(keeper.bodies.get("dots")).isEqualTo(dots.getBytes(StandardCharsets.UTF_8));
        assertThat(keeper.bodies.get("large")).isEqualTo(large);
        assertThat(keeper.mails.get(1).size()).isEqualTo(large.length);
        assertThat(keeper.mails.get(1).subject()).isEqualTo("large");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void messagesAreDeletedOnlyAfterEveryReceiverAcceptedThem() {
        server.add("m1", message("1", "First", "one"));
        server.add("m2", message("2", "Second", "two"));
        PopMailboxComponent mailbox = mailbox();
        mailbox.addReceiver(new Keeper("archive"), receiver(-100));
        mailbox.addReceiver(new Keeper("printer"), receiver(10));

        PollResult result = mailbox.poll();

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.onServer).isEqualTo(2);
        assertThat(result.accepted).isEqualTo(2);
        assertThat(result.deleted).isEqualTo(2);
        assertThat(server.transcript).containsSubsequence("RETR 1", "printer m1", "archive m1", "DELE 1",
                "RETR 2", "printer m2", "archive m2", "DELE 2", "QUIT");
        assertThat(server.uidls()).isEmpty();
        assertThat(mailbox.lastPoll()).isSameAs(result);
    }

    @Test
    void theReceivedMailCarriesTheDecodedHeaders() {
        server.add("m1", "Message-ID: <abc@example.com>\r\nFrom: =?UTF-8?B?5pel5pys?= <fax@example.com>\r\n"
                + "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n\r\nbody\r\n");
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper);

        mailbox.poll();

        ReceivedMail mail = keeper.mails.get(0);
        assertThat(mail.popId()).isEqualTo("fax");
        assertThat(mail.uidl()).isEqualTo("m1");
        assertThat(mail.messageId()).isEqualTo("<abc@example.com>");
        assertThat(mail.from()).isEqualTo("日本 <fax@example.com>");
        assertThat(mail.subject()).isEqualTo("Grüße");
    }

    @Test
    void aConnectionLostBeforeQuitDeletesNothingAndTheNextCheckOnlyDeletes() {
        server.add("m1", message("1", "First", "one"));
        server.add("m2", message("2", "Second", "two"));
        server.dropAtQuit = true;
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper);

        PollResult lost = mailbox.poll();

        assertThat(lost.ok).isFalse();
        assertThat(lost.code).isEqualTo("network");
        assertThat(lost.accepted).isEqualTo(2);
        assertThat(lost.deleted).isZero();
        assertThat(server.uidls()).containsExactly("m1", "m2");
        assertThat(log.warnings("the check failed (network")).isEqualTo(1);

        server.dropAtQuit = false;
        PollResult next = mailbox.poll();

        assertThat(next.ok).as(next.message).isTrue();
        assertThat(next.accepted).isZero();
        assertThat(next.deleted).isEqualTo(2);
        assertThat(keeper.mails).hasSize(2);
        assertThat(server.uidls()).isEmpty();
    }

    @Test
    void aMessageOfferedAgainAfterACrashIsKeptOnceByTheArchive() throws IOException {
        server.add("m1", message("1", "First", "one"));
        server.dropAtQuit = true;
        EmlArchive archive = new EmlArchive(data, log);
        PopMailboxComponent mailbox = mailbox();
        mailbox.addReceiver(archive, receiver(EmlArchive.RANKING));
        mailbox.poll();
        // The device stopped before the accepted set reached the disk.
        Files.delete(MailboxCheck.acceptedFile(data, "fax"));
        server.dropAtQuit = false;

        PollResult again = mailbox.poll();

        assertThat(again.accepted).isEqualTo(1);
        assertThat(again.deleted).isEqualTo(1);
        assertThat(server.transcript.stream().filter("RETR 1"::equals)).hasSize(2);
        assertThat(archive.messages("fax")).hasSize(1);
    }

    @Test
    void aReceiverThatThrowsLeavesTheMessageOnTheServer() {
        server.add("m1", message("1", "First", "one"));
        server.add("m2", message("2", "Second", "two"));
        Keeper keeper = new Keeper();
        Keeper picky = new Keeper("picky");
        picky.refuse = "m1"::equals;
        PopMailboxComponent mailbox = mailbox();
        mailbox.addReceiver(keeper, receiver(0));
        mailbox.addReceiver(picky, receiver(0));

        PollResult result = mailbox.poll();

        assertThat(result.ok).isTrue();
        assertThat(result.accepted).isEqualTo(1);
        assertThat(result.refused).isEqualTo(1);
        assertThat(result.deleted).isEqualTo(1);
        assertThat(server.uidls()).containsExactly("m1");
        assertThat(log.warnings("did not accept message m1")).isEqualTo(1);

        picky.refuse = uidl -> false;
        PollResult next = mailbox.poll();

        assertThat(next.accepted).isEqualTo(1);
        assertThat(next.deleted).isEqualTo(1);
        assertThat(server.uidls()).isEmpty();
    }

    @Test
    void keptOnTheServerMessagesAreNotOfferedAgain() throws IOException {
        server.add("m1", message("1", "First", "one"));
        server.add("m2", message("2", "Second", "two"));
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper, "deleteAfterRetrieval", false);

        PollResult first = mailbox.poll();
        PollResult second = mailbox.poll();

        assertThat(first.accepted).isEqualTo(2);
        assertThat(first.deleted).isZero();
        assertThat(second.ok).isTrue();
        assertThat(second.onServer).isEqualTo(2);
        assertThat(second.accepted).isZero();
        assertThat(keeper.mails).hasSize(2);
        assertThat(server.transcript).doesNotContain("DELE 1", "DELE 2");

        server.remove("m1");
        mailbox.poll();

        List<String> accepted = Files.readAllLines(MailboxCheck.acceptedFile(data, "fax"));
        assertThat(accepted).hasSize(2).endsWith("m2");
        assertThat(accepted.get(0)).startsWith("# mailbox ");
    }

    @Test
    void theAcceptedUidlsOfAnotherMailboxAreNotTrusted() throws IOException {
        Path file = MailboxCheck.acceptedFile(data, "fax");
        Files.createDirectories(file.getParent());
        AcceptedUidls.load(file, "pop.a.example:995 fax@a.example").add("00000001");
        assertThat(AcceptedUidls.load(file, "pop.a.example:995 fax@a.example").contains("00000001")).isTrue();
        // The setting now points at another mailbox, which has its own message 00000001: it is not taken as seen.
        assertThat(AcceptedUidls.load(file, "pop.b.example:995 fax@b.example").contains("00000001")).isFalse();
    }

    /** Found by fuzzing (itest/fuzz AcceptedUidlsFuzzTest): bytes that are not UTF-8 made every check fail. */
    @Test
    void aDamagedAcceptedUidlsFileDoesNotStopTheChecks() throws IOException {
        Path file = MailboxCheck.acceptedFile(data, "fax");
        Files.createDirectories(file.getParent());
        Files.write(file, "# mailbox pop.a.example:995 fax@a.example\nAAQk\u00ff\u00fe\u0000AGI2\n00000002\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        AcceptedUidls accepted = AcceptedUidls.load(file, "pop.a.example:995 fax@a.example");
        assertThat(accepted.contains("00000002")).isTrue();
        accepted.add("00000003");
        assertThat(AcceptedUidls.load(file, "pop.a.example:995 fax@a.example").contains("00000003")).isTrue();
    }

    @Test
    void aMessageOverTheSizeLimitIsNotRetrieved() {
        server.add("huge", message("1", "Huge", "small really"));
        server.listedSizes.put("huge", Pop3Client.MAX_MESSAGE + 1);
        Keeper keeper = new Keeper();
        PopMailboxComponent mailbox = mailboxFor(keeper);

        PollResult result = mailbox.poll();

        assertThat(result.refused).isEqualTo(1);
        assertThat(server.transcript).doesNotContain("RETR 1", "DELE 1");
        assertThat(server.uidls()).containsExactly("huge");
    }

    @Test
    void withoutReceiversNothingIsTakenAndThatIsLoggedOnce() {
        server.add("m1", message("1", "First", "one"));
        PopMailboxComponent mailbox = mailbox();

        PollResult first = mailbox.poll();
        mailbox.poll();

        assertThat(first.ok).isTrue();
        assertThat(first.onServer).isEqualTo(1);
        assertThat(first.accepted).isZero();
        assertThat(first.message).contains("no receiver");
        assertThat(server.transcript).doesNotContain("RETR 1", "DELE 1");
        assertThat(log.warnings("no mail receiver")).isEqualTo(1);
    }

    @Test
    void receiversOfAnotherSettingAndRemovedOnesGetNothing() {
        server.add("m1", message("1", "First", "one"));
        Keeper other = new Keeper("other");
        Keeper mine = new Keeper("mine");
        Keeper removed = new Keeper("removed");
        PopMailboxComponent mailbox = mailbox();
        Map<String, Object> otherProps = receiver(0);
        otherProps.put("pop.id", "other");
        Map<String, Object> mineProps = receiver(0);
        mineProps.put("pop.id", new String[] {"fax", "other"});
        Map<String, Object> removedProps = receiver(0);
        mailbox.addReceiver(other, otherProps);
        mailbox.addReceiver(mine, mineProps);
        mailbox.addReceiver(removed, removedProps);
        mailbox.removeReceiver(removed, removedProps);

        mailbox.poll();

        assertThat(mine.mails).hasSize(1);
        assertThat(other.mails).isEmpty();
        assertThat(removed.mails).isEmpty();
    }

    @Test
    void invalidSettingsStillAnswerButAreNeverChecked() {
        PopMailboxComponent mailbox = mailbox("server", null);

        PollResult polled = mailbox.poll();
        TestResult tested = mailbox.test();

        assertThat(mailbox.id()).isEqualTo("fax");
        assertThat(polled.ok).isFalse();
        assertThat(polled.code).isEqualTo("not_configured");
        assertThat(polled.message).contains("server: is required");
        assertThat(tested.code).isEqualTo("not_configured");
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void activationStartsTheThreadAndDeactivationStopsIt() throws InterruptedException {
        PopMailboxComponent mailbox = mailbox();
        mailbox.activate();
        assertThat(threadNamed("mfp-pop-fax")).isTrue();

        long start = System.nanoTime();
        mailbox.deactivate();

        assertThat(System.nanoTime() - start).isLessThan(3_000_000_000L);
        for (int i = 0; i < 50 && threadNamed("mfp-pop-fax"); i++) {
            Thread.sleep(20);
        }
        assertThat(threadNamed("mfp-pop-fax")).isFalse();
        assertThat(mailbox.lastPoll()).isNull();
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void deactivationEndsACheckInProgressByClosingItsConnection() throws Exception {
        server.add("m1", message("1", "First", "one"));
        server.stallOn = "UIDL";
        PopMailboxComponent mailbox = mailbox("timeoutSeconds", 60);
        CompletableFuture<PollResult> polling = CompletableFuture.supplyAsync(mailbox::poll);
        while (!server.transcript.contains("UIDL")) {
            Thread.onSpinWait();
        }

        mailbox.deactivate();

        PollResult result = polling.get(5, TimeUnit.SECONDS);
        assertThat(result.ok).isFalse();
        assertThat(result.code).isEqualTo("network");
        assertThat(server.uidls()).containsExactly("m1");
    }

    @Test
    void leftoverTemporaryFilesAreRemovedAtActivation() throws IOException {
        Path tmp = Files.createDirectories(MailboxCheck.tempFolder(data));
        Path mine = Files.createFile(tmp.resolve(MailboxCheck.tempPrefix("fax") + "123.eml"));
        Path others = Files.createFile(tmp.resolve(MailboxCheck.tempPrefix("fax-2") + "123.eml"));
        PopMailboxComponent mailbox = mailbox();

        mailbox.activate();
        mailbox.deactivate();

        assertThat(mine).doesNotExist();
        assertThat(others).exists();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private PopMailboxComponent mailbox(Object... overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("pop.id", "fax");
        config.put("server", "127.0.0.1");
        config.put("port", server.port());
        config.put("security", "none");
        config.put("authMethod", "oauth2");
        config.put("provider", "microsoft");
        config.put("account", "fax@contoso.com");
        config.put("timeoutSeconds", 5);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                config.remove((String) overrides[i]);
            } else {
                config.put((String) overrides[i], overrides[i + 1]);
            }
        }
        return new PopMailboxComponent(config, data, tokens, TRUST, FakeTokens.CLEAR_SECRETS, log);
    }

    /** A mailbox with one receiver bound. */
    private PopMailboxComponent mailboxFor(Keeper keeper, Object... overrides) {
        PopMailboxComponent mailbox = mailbox(overrides);
        mailbox.addReceiver(keeper, receiver(0));
        return mailbox;
    }

    private static Map<String, Object> receiver(int ranking) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", SERVICE_IDS.incrementAndGet());
        props.put("service.ranking", ranking);
        return props;
    }

    static String message(String id, String subject, String body) {
        return "Message-ID: <" + id + "@example.com>\r\nFrom: Sender <sender@example.com>\r\nSubject: " + subject
                + "\r\n\r\n" + body + "\r\n";
    }

    private static byte[] largeMessage(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 200);
        out.writeBytes("Message-ID: <large@example.com>\r\nSubject: large\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        for (int line = 0; out.size() < size; line++) {
            String text = (line % 7 == 0 ? "." : "") + "line " + line + " of a large fax, with some text "
                    + "to fill it up to a realistic length\r\n";
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private List<Path> tempFiles() {
        Path tmp = MailboxCheck.tempFolder(data);
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (var files = Files.list(tmp)) {
            return files.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** A receiver that reads each message and notes it in the server's transcript, or refuses some. */
    final class Keeper implements MailReceiver {
        final String name;
        final List<ReceivedMail> mails = new ArrayList<>();
        final Map<String, byte[]> bodies = new HashMap<>();
        volatile Predicate<String> refuse = uidl -> false;

        Keeper() {
            this("keeper");
        }

        Keeper(String name) {
            this.name = name;
        }

        @Override
        public void receive(ReceivedMail mail) throws IOException {
            if (refuse.test(mail.uidl())) {
                throw new IOException("paper jam");
            }
            try (InputStream in = mail.open()) {
                bodies.put(mail.uidl(), in.readAllBytes());
            }
            mails.add(mail);
            server.transcript.add(name + " " + mail.uidl());
        }
    }
}
