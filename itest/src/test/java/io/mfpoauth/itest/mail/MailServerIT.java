package io.mfpoauth.itest.mail;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.itest.mail.MailProbe.AuthResult;
import io.mfpoauth.itest.mail.MailProbe.Pop3;
import io.mfpoauth.itest.mail.MailProbe.Smtp;
import io.mfpoauth.itest.mail.MailProbe.SmtpReply;

/**
 * The test mail servers that the build starts ({@code itest/mailserver/mailserver.sh}) take real tokens from the test
 * Keycloak as the firmware will send them: XOAUTH2 on SMTP submission (one-line and two-step) and POP3 (two-line),
 * refuse wrong, foreign and logged-out tokens with the XOAUTH2 failure exchange, take the password user's AUTH PLAIN,
 * deliver to the {@code @mfp.test} mailboxes, and offer STARTTLS and POP3S with the test CA. Plain JUnit 4 against the
 * real servers (no OSGi), through {@link MailServer}, {@link MailProbe} and the Keycloak helpers.
 */
public class MailServerIT {
    private static final String SCOPE = "email offline_access";
    private static final String SCANNER = "scanner@mfp.test";
    private static final String FAX = "fax@mfp.test";
    /** Keycloak's access tokens live 60 s: one older than this is refreshed before use. */
    private static final long FRESH_MILLIS = 30_000;

    private static Keycloak kc;
    private static MailServer mail;
    private static SSLContext testCa;
    private static final Map<String, Tokens> TOKENS = new HashMap<>();

    private static final class Tokens {
        String access;
        String refresh;
        long obtained;
    }

    @BeforeClass
    public static void servers() {
        Assume.assumeFalse("Keycloak skipped (-Dkeycloak.skip=true)", Keycloak.skipped());
        Assume.assumeFalse("mail servers skipped", MailServer.skipped());
        kc = Keycloak.fromSystemProperty();
        mail = MailServer.fromSystemProperty();
        testCa = mail.sslContext();
    }

    // ---- tokens ----------------------------------------------------------------------------------------------------

    /** A device authorization approved by {@code user}, polled like a device: the token answer. */
    private static Tokens deviceFlow(String user) throws InterruptedException {
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.deviceClient(), SCOPE);
        assertEquals(authorization.toString(), 200, authorization.status);
        assertEquals(DeviceApproval.SUCCESS_HEADING,
                DeviceApproval.approve(authorization.get("verification_uri_complete"), user, kc.password()));
        long interval = Long.parseLong(authorization.get("interval")) * 1000;
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            Thread.sleep(interval);
            Keycloak.Reply r = kc.pollDeviceToken(kc.deviceClient(), authorization.get("device_code"));
            if ("slow_down".equals(r.error())) {
                interval += 5000;
            } else if (!"authorization_pending".equals(r.error())) {
                assertEquals(r.toString(), 200, r.status);
                Tokens t = new Tokens();
                t.access = r.get("access_token");
                t.refresh = r.get("refresh_token");
                t.obtained = System.currentTimeMillis();
                assertNotNull(r.toString(), t.access);
                return t;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("device flow for " + user + ": still " + r.error());
            }
        }
    }

    /** A live access token of {@code user}: from the device flow the first time, refreshed when it gets old. */
    private static synchronized String token(String user) throws InterruptedException {
        Tokens t = TOKENS.get(user);
        if (t == null) {
            t = deviceFlow(user);
            TOKENS.put(user, t);
        } else if (System.currentTimeMillis() - t.obtained > FRESH_MILLIS) {
            Keycloak.Reply r = kc.refresh(kc.deviceClient(), t.refresh);
            if (r.ok()) {
                t.access = r.get("access_token");
                t.refresh = r.get("refresh_token");
                t.obtained = System.currentTimeMillis();
            } else {
                t = deviceFlow(user);
                TOKENS.put(user, t);
            }
        }
        return t.access;
    }

    /** The same token with its signature damaged: well-formed, but Keycloak's introspection says inactive. */
    private static String damaged(String token) {
        char last = token.charAt(token.length() - 5);
        return token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static String subject(String what) {
        return "mfp-oauth itest " + what + " " + UUID.randomUUID();
    }

    private static void assertAccepted(AuthResult r, Smtp s) {
        assertTrue(r + "\n" + s.transcript(), r.ok);
        assertEquals(r.toString(), 235, r.code);
        assertNull(r.toString(), r.challenge);
    }

    /** A refused XOAUTH2 token: challenge {"status":"401",...}, then 535. */
    private static void assertRefusedToken(AuthResult r, Smtp s) {
        assertRefusedToken(r, s, "401");
    }

    /** A refused token: challenge {"status":"<status>",...} (XOAUTH2: 401; OAUTHBEARER: invalid_token), then 535. */
    private static void assertRefusedToken(AuthResult r, Smtp s, String status) {
        assertFalse(r + "\n" + s.transcript(), r.ok);
        assertNotNull("no challenge before the refusal: " + r + "\n" + s.transcript(), r.challenge);
        assertTrue(r.challenge, r.challenge.replace(" ", "").contains("\"status\":\"" + status + "\""));
        assertEquals(r + "\n" + s.transcript(), 535, r.code);
    }

    private static void assertRefusedToken(AuthResult r, Pop3 p) {
        assertFalse(r + "\n" + p.transcript(), r.ok);
        assertNotNull("no challenge before the refusal: " + r + "\n" + p.transcript(), r.challenge);
        assertTrue(r.challenge, r.challenge.replace(" ", "").contains("\"status\":\"401\""));
        assertTrue(r + "\n" + p.transcript(), r.reply.startsWith("-ERR"));
    }

    /** Sends a message after an accepted login on {@code s}. */
    private static void send(Smtp s, String from, List<String> to, String subject, String body) throws IOException {
        SmtpReply r = s.send(from, to, MailProbe.message(from, to, subject, body));
        assertEquals(r + "\n" + s.transcript(), 250, r.code);
    }

    /** Waits until a message with {@code subject} is in the user's Maildir (Postfix delivers through LMTP). */
    private static Path awaitDelivery(String user, String subject) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            for (String sub : new String[] {"new", "cur"}) {
                Path dir = mail.maildir(user).resolve(sub);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.collect(Collectors.toList())) {
                        if (new String(Files.readAllBytes(f), StandardCharsets.UTF_8).contains(subject)) {
                            return f;
                        }
                    }
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no message \"" + subject + "\" in " + mail.maildir(user) + " after 30 s; "
                        + "see " + mail.postfixLog() + " and " + mail.dovecotLog());
            }
            Thread.sleep(200);
        }
    }

    /**
     * Logs in to POP3 as {@code user} with XOAUTH2 (two-line form), finds the message with {@code subject}, retrieves
     * and deletes it: the message.
     */
    private static String popAndDelete(Pop3 p, String user, String subject) throws Exception {
        AuthResult a = p.authXoauth2(user, token(user));
        assertTrue(a + "\n" + p.transcript(), a.ok);
        long[] stat = p.stat();
        for (int n = 1; n <= stat[0]; n++) {
            if (p.top(n).contains(subject)) {
                String message = p.retr(n);
                String deleted = p.dele(n);
                assertTrue(deleted, deleted.startsWith("+OK"));
                return message;
            }
        }
        fail("no message \"" + subject + "\" among the " + stat[0] + " in " + user + "'s POP3 mailbox");
        return null;
    }

    private static String popAndDelete(String user, String subject) throws Exception {
        awaitDelivery(user, subject);
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            return popAndDelete(p, user, subject);
        } finally {
            assertTrue(String.valueOf(p.quit()).startsWith("+OK"));
        }
    }

    // ---- tests -----------------------------------------------------------------------------------------------------

    @Test
    public void serversOfferWhatTheFirmwareNeeds() throws Exception {
        assertTrue(mail.toString(), mail.dovecotVersion().startsWith("2.3"));
        assertFalse(mail.toString(), mail.postfixVersion().isEmpty());
        assertTrue(mail.users().containsAll(List.of(SCANNER, FAX, mail.plainUser())));
        assertTrue(mail.oauthUsers().containsAll(kc.users()));

        for (int port : new int[] {mail.smtpPort(), mail.smtpDovecotPort()}) {
            Smtp s = Smtp.open(mail, port);
            try {
                assertEquals(220, s.greeting().code);
                assertTrue(s.extensions().toString(), s.extensions().containsKey("STARTTLS"));
                assertTrue(s.extensions().toString(), s.authMechanisms().containsAll(List.of("XOAUTH2", "PLAIN")));
                assertTrue(s.extensions().toString(), Long.parseLong(s.extensions().get("SIZE")) >= 20L << 20);
                if (port == mail.smtpPort()) {
                    assertTrue(s.extensions().toString(), s.authMechanisms().contains("OAUTHBEARER"));
                }
            } finally {
                s.quit();
            }
        }

        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            List<String> capa = p.capa();
            assertTrue(capa.toString(), capa.contains("STLS"));
            assertTrue(capa.toString(), capa.stream().anyMatch(
                    c -> c.startsWith("SASL ") && c.contains("XOAUTH2") && c.contains("OAUTHBEARER")
                            && c.contains("PLAIN")));
        } finally {
            p.quit();
        }
    }

    @Test
    public void xoauth2OneLineSubmissionIsDeliveredToBothMailboxes() throws Exception {
        String subject = subject("one-line XOAUTH2 to fax and scanner");
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), true), s);
            send(s, SCANNER, List.of(FAX, SCANNER), subject, "Scanned page 1 of 1.\n.a line starting with a dot\n");
        } finally {
            s.quit();
        }
        Path delivered = awaitDelivery(FAX, subject);
        assertTrue(delivered.toString(), delivered.startsWith(mail.maildir()));

        for (String user : List.of(FAX, SCANNER)) {
            String message = popAndDelete(user, subject);
            assertTrue(message, message.contains("Subject: " + subject));
            assertTrue(message, message.contains("\r\n.a line starting with a dot\r\n"));
            // Postfix took the login from Dovecot's SASL, i.e. from Keycloak's answer about the token.
            assertTrue(message, message.contains("Authenticated sender: " + SCANNER));
        }
    }

    @Test
    public void xoauth2TwoStepWorksOnBothSubmissionPorts() throws Exception {
        String viaPostfix = subject("two-step XOAUTH2 via Postfix");
        String viaDovecot = subject("two-step XOAUTH2 via Dovecot submission");
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(FAX, token(FAX), false), s);
            send(s, FAX, List.of(SCANNER), viaPostfix, "Fax received.");
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            assertAccepted(s.authXoauth2(FAX, token(FAX), false), s);
            send(s, FAX, List.of(SCANNER), viaDovecot, "Fax received too.");
        } finally {
            s.quit();
        }
        assertTrue(popAndDelete(SCANNER, viaPostfix).contains("Fax received."));
        assertTrue(popAndDelete(SCANNER, viaDovecot).contains("Fax received too."));
    }

    /** Dovecot 2.3's submission service limits the AUTH line to about 1 KB: Keycloak's tokens need the two-step form. */
    @Test
    public void dovecotSubmissionRefusesTheOneLineFormOfAKeycloakToken() throws Exception {
        String token = token(SCANNER);
        Assume.assumeTrue("token short enough for one line", MailProbe.xoauth2(SCANNER, token).length() > 1024);
        Smtp s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            AuthResult r = s.authXoauth2(SCANNER, token, true);
            assertFalse(r.toString(), r.ok);
            assertEquals(r.toString(), 500, r.code);
            assertTrue(r.toString(), r.reply.contains("Line too long"));
        } finally {
            s.quit();
        }
    }

    @Test
    public void oauthbearerWorksOnSmtpAndPop3() throws Exception {
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authOauthbearer(SCANNER, token(SCANNER), true), s);
        } finally {
            s.quit();
        }
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            AuthResult r = p.authOauthbearer(FAX, token(FAX));
            assertTrue(r + "\n" + p.transcript(), r.ok);
        } finally {
            p.quit();
        }
    }

    @Test
    public void wrongTokenIsRefusedWithTheXoauth2FailureExchange() throws Exception {
        String bad = damaged(token(SCANNER));
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            long t0 = System.nanoTime();
            assertRefusedToken(s.authXoauth2(SCANNER, bad, true), s);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            // auth_failure_delay = 0 and no anvil penalty: a refusal is not held back (Dovecot's default is 2 s).
            assertTrue("refusal took " + millis + " ms", millis < 1900);
            // The same connection can log in afterwards.
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), true), s);
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            assertRefusedToken(s.authXoauth2(SCANNER, bad, false), s);
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpPort());
        try {
            // RFC 7628: the OAUTHBEARER challenge carries an error code, the client answers \x01.
            assertRefusedToken(s.authOauthbearer(SCANNER, bad, true), s, "invalid_token");
        } finally {
            s.quit();
        }
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            assertRefusedToken(p.authXoauth2(SCANNER, bad), p);
            AuthResult ok = p.authXoauth2(SCANNER, token(SCANNER));
            assertTrue(ok + "\n" + p.transcript(), ok.ok);
        } finally {
            p.quit();
        }
    }

    @Test
    public void tokenOfAnotherUserIsRefused() throws Exception {
        String scannerToken = token(SCANNER);
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertRefusedToken(s.authXoauth2(FAX, scannerToken, true), s);
        } finally {
            s.quit();
        }
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            assertRefusedToken(p.authXoauth2(FAX, scannerToken), p);
        } finally {
            p.quit();
        }
    }

    @Test
    public void passwordUserLogsInWithPlainAndTokensAreNoPasswords() throws Exception {
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            AuthResult wrong = s.authPlain(mail.plainUser(), mail.plainPassword() + "x");
            assertFalse(wrong + "\n" + s.transcript(), wrong.ok);
            assertEquals(wrong.toString(), 535, wrong.code);
            // A token is no password: the oauth2 passdb serves XOAUTH2 and OAUTHBEARER only.
            AuthResult tokenAsPassword = s.authPlain(SCANNER, token(SCANNER));
            assertEquals(tokenAsPassword.toString(), 535, tokenAsPassword.code);
            assertAccepted(s.authPlain(mail.plainUser(), mail.plainPassword()), s);
            send(s, mail.plainUser(), List.of(mail.plainUser()), subject("AUTH PLAIN"), "Password user.");
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            assertAccepted(s.authPlain(mail.plainUser(), mail.plainPassword()), s);
        } finally {
            s.quit();
        }
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            AuthResult wrong = p.authPlain(mail.plainUser(), "not-the-password");
            assertFalse(wrong.toString(), wrong.ok);
            assertTrue(wrong.toString(), wrong.reply.startsWith("-ERR"));
            AuthResult ok = p.userPass(mail.plainUser(), mail.plainPassword());
            assertTrue(ok + "\n" + p.transcript(), ok.ok);
        } finally {
            p.quit();
        }
        p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            AuthResult ok = p.authPlain(mail.plainUser(), mail.plainPassword());
            assertTrue(ok + "\n" + p.transcript(), ok.ok);
        } finally {
            p.quit();
        }
    }

    /** Only the listed @mfp.test mailboxes are reachable; nothing leaves the machine. */
    @Test
    public void onlyTheTestMailboxesAreReachable() throws Exception {
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), true), s);
            for (String rcpt : List.of("nobody@mfp.test", "someone@example.com")) {
                SmtpReply r = s.send(SCANNER, List.of(rcpt), MailProbe.message(SCANNER, List.of(rcpt), "x", "x"));
                assertEquals(r + "\n" + s.transcript(), 550, r.code);
                assertTrue(r.toString(), r.text().contains(rcpt));
                assertEquals(250, s.command("RSET").code);
            }
        } finally {
            s.quit();
        }
    }

    /** No authentication cache: once Keycloak no longer accepts a token, neither do the mail servers. */
    @Test
    public void tokenIsRefusedOnceTheUserIsLoggedOut() throws Exception {
        String token;
        synchronized (MailServerIT.class) {
            TOKENS.remove(FAX);
            token = token(FAX);
        }
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(FAX, token, true), s);
        } finally {
            s.quit();
        }
        Pop3 p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            assertTrue(p.transcript(), p.authXoauth2(FAX, token).ok);
        } finally {
            p.quit();
        }

        kc.logoutUser(FAX);
        assertFalse("Keycloak still accepts the token", kc.introspect(token));

        s = Smtp.open(mail, mail.smtpPort());
        try {
            assertRefusedToken(s.authXoauth2(FAX, token, true), s);
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            assertRefusedToken(s.authXoauth2(FAX, token, false), s);
        } finally {
            s.quit();
        }
        p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            assertRefusedToken(p.authXoauth2(FAX, token), p);
        } finally {
            p.quit();
        }

        // Tokens obtained after the logout work (and the other tests get them).
        synchronized (MailServerIT.class) {
            TOKENS.remove(FAX);
        }
        s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(FAX, token(FAX), true), s);
        } finally {
            s.quit();
        }
    }

    @Test
    public void starttlsAndPop3sWorkWithTheTestCa() throws Exception {
        String subject = subject("over STARTTLS, read over POP3S");
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            SmtpReply ehlo = s.startTls(testCa);
            assertTrue(s.secure());
            assertEquals(ehlo.toString(), 250, ehlo.code);
            assertFalse("STARTTLS offered again after it", s.extensions().containsKey("STARTTLS"));
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), true), s);
            send(s, SCANNER, List.of(FAX), subject, "Sent over TLS.");
        } finally {
            s.quit();
        }
        s = Smtp.open(mail, mail.smtpDovecotPort());
        try {
            s.startTls(testCa);
            assertTrue(s.secure());
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), false), s);
        } finally {
            s.quit();
        }

        awaitDelivery(FAX, subject);
        Pop3 p = Pop3.connectTls(mail.host(), mail.pop3sPort(), testCa);
        try {
            assertTrue(p.secure());
            assertTrue(popAndDelete(p, FAX, subject).contains("Sent over TLS."));
        } finally {
            p.quit();
        }
        p = Pop3.connect(mail.host(), mail.pop3Port());
        try {
            p.stls(testCa);
            assertTrue(p.secure());
            assertTrue(p.transcript(), p.authXoauth2(SCANNER, token(SCANNER)).ok);
        } finally {
            p.quit();
        }

        // The certificate is the test CA's: the JVM's default trust refuses it.
        try {
            Pop3.connectTls(mail.host(), mail.pop3sPort(), SSLContext.getDefault()).quit();
            fail("POP3S certificate trusted without the test CA");
        } catch (SSLHandshakeException expected) {
            // as it should
        }
    }

    @Test
    public void largeMessagesPass() throws Exception {
        String subject = subject("large message");
        StringBuilder body = new StringBuilder(12 << 20);
        String line = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEF\n"; // 77 + LF
        while (body.length() < 12 << 20) {
            body.append(line);
        }
        Smtp s = Smtp.open(mail, mail.smtpPort());
        try {
            assertAccepted(s.authXoauth2(SCANNER, token(SCANNER), true), s);
            send(s, SCANNER, List.of(SCANNER), subject, body.toString());
        } finally {
            s.quit();
        }
        String message = popAndDelete(SCANNER, subject);
        assertTrue("message of " + message.length() + " chars", message.length() > 12 << 20);
    }
}
