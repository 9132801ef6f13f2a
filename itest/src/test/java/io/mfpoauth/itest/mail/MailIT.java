package io.mfpoauth.itest.mail;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.mail.Attachment;
import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.MailReceiver;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.StoredMessage;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

import org.junit.Assume;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The mail services in the firmware image, against the real test servers: Postfix submission and Dovecot POP3
 * (started by {@code itest/mailserver/mailserver.sh}) checking every XOAUTH2 and OAUTHBEARER token at Keycloak's
 * introspection, with tokens the token service obtained from Keycloak through the device flow. The steps build on
 * each other (one framework for the class), hence the fixed order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class MailIT {
    private static final String PROVIDER = "keycloak";
    private static final int FIVE_MB = 5 * 1024 * 1024;

    private static boolean prepared;

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configAdmin;
    @Inject
    private MailArchive archive;

    private Keycloak keycloak;
    private MailServer mail;
    private String scanner;
    private String fax;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(MailIT.class));
    }

    @Before
    public void setUp() throws Exception {
        Assume.assumeFalse("Keycloak skipped (-Dkeycloak.skip=true)", Keycloak.skipped());
        Assume.assumeFalse("mail servers skipped (-Dmailserver.skip=true)", MailServer.skipped());
        keycloak = Keycloak.fromSystemProperty();
        mail = MailServer.fromSystemProperty();
        scanner = keycloak.users().get(0);
        fax = keycloak.users().get(1);
        if (!prepared) {
            // As a firmware configuration would: the generic provider for the test Keycloak, and the test CA in the
            // device trust store.
            configAdmin.getFactoryConfiguration("io.mfpoauth.provider.oidc", PROVIDER, "?")
                    .update(keycloak.providerConfiguration(PROVIDER, keycloak.deviceClient()));
            trustTestCa(true);
            long deadline = System.currentTimeMillis() + 15_000;
            while (tokens().providers().stream().noneMatch(p -> p.id.equals(PROVIDER))) {
                assertTrue("the generic provider came up", System.currentTimeMillis() < deadline);
                Thread.sleep(50);
            }
            prepared = true;
        }
    }

    @Test
    public void a_aScanWithA5MbPdfIsSentAndTheInternetFaxMailboxReceivesIt() throws Exception {
        getToken(Slot.smtp(), scanner);
        getToken(Slot.pop("ifax"), fax);
        useSmtp(oauthSmtp(OAuthMechanism.AUTO));
        TestResult smtpTest = awaitTest(() -> sender().test(), "ok");
        assertTrue(smtpTest.message, smtpTest.message.contains("XOAUTH2"));

        PopMailbox ifax = usePop(oauthPop("ifax", fax, mail.pop3sPort(), Security.TLS, OAuthMechanism.XOAUTH2));
        TestResult popTest = awaitTest(ifax::test, "ok");
        assertTrue(popTest.message, popTest.ok);

        byte[] pdf = pdf(FIVE_MB);
        String subject = subject("scan");
        SentMail sent = sender().send(OutgoingMail.builder().to(fax).subject(subject).text("Scanned on the 3rd floor.")
                .attach(Attachment.of("scan 3rd floor.pdf", "application/pdf", pdf)).build());
        assertNotNull(sent.messageId);
        assertEquals(List.of(fax), sent.recipients);

        StoredMessage received = awaitArchived(ifax, "ifax", subject);
        assertEquals(sent.messageId, received.messageId);
        assertTrue(received.from, received.from.contains(scanner));
        assertTrue("the whole message was kept: " + received.size, received.size > FIVE_MB);
        try (InputStream in = archive.open("ifax", received.id)) {
            assertTrue("the PDF arrived intact", java.util.Arrays.equals(pdf, attachment(in.readAllBytes())));
        }
        assertTrue("deleted from the server once kept", inMaildir(fax, subject).isEmpty());
    }

    @Test
    public void b_twoConcurrentSendsShareTheOneSmtpToken() throws Exception {
        AccessToken before = tokens().accessToken(Slot.smtp());
        String first = subject("concurrent-1");
        String second = subject("concurrent-2");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<SentMail>> sends = new ArrayList<>();
            for (String subject : List.of(first, second)) {
                Callable<SentMail> send = () -> {
                    start.await();
                    return sender().send(OutgoingMail.builder().to(fax).subject(subject).text(subject)
                            .attach(Attachment.of("page.pdf", "application/pdf", pdf(200_000))).build());
                };
                sends.add(pool.submit(send));
            }
            start.countDown();
            for (Future<SentMail> f : sends) {
                assertNotNull(f.get().messageId);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("one token served both", before.value(), tokens().accessToken(Slot.smtp()).value());
        PopMailbox ifax = mailbox("ifax");
        awaitArchived(ifax, "ifax", first);
        awaitArchived(ifax, "ifax", second);
    }

    @Test
    public void c_aSecondPopSettingHasItsOwnToken() throws Exception {
        getToken(Slot.pop("scan"), scanner);
        TokenStatus scanToken = tokens().status(Slot.pop("scan"));
        TokenStatus ifaxToken = tokens().status(Slot.pop("ifax"));
        assertEquals(scanner, scanToken.account);
        assertEquals(fax, ifaxToken.account);

        // STARTTLS on the POP3 port, and OAUTHBEARER (RFC 7628) instead of XOAUTH2.
        PopMailbox scan = usePop(oauthPop("scan", scanner, mail.pop3Port(), Security.STARTTLS,
                OAuthMechanism.OAUTHBEARER));
        TestResult test = awaitTest(scan::test, "ok");
        assertTrue(test.message, test.ok);

        useSmtp(oauthSmtp(OAuthMechanism.OAUTHBEARER));
        awaitTest(() -> sender().test(), "ok");
        String subject = subject("to-scanner");
        sender().send(OutgoingMail.builder().to(scanner).subject(subject).text("for the scanner's own mailbox").build());
        awaitArchived(scan, "scan", subject);
        assertTrue("the other setting's mailbox is another one",
                archive.messages("ifax").stream().noneMatch(m -> subject.equals(m.subject)));

        // Deleting one POP setting's token leaves the other's alone.
        assertEquals(TokenState.NOT_RETRIEVED, tokens().delete(Slot.pop("scan")).state);
        assertEquals(TokenState.RETRIEVED, tokens().status(Slot.pop("ifax")).state);
        TestResult noToken = scan.test();
        assertEquals(noToken.message, MailFailure.NO_TOKEN.code(), noToken.code);
        assertTrue(settings().deletePop("scan"));
        useSmtp(oauthSmtp(OAuthMechanism.AUTO));
        awaitTest(() -> sender().test(), "ok");
    }

    @Test
    public void d_anAccessTokenTheServerNoLongerAcceptsIsRenewedOnceAndTheSendSucceeds() throws Exception {
        AccessToken stale = tokens().accessToken(Slot.smtp());
        assertTrue(keycloak.revoke(keycloak.deviceClient(), stale.value()).ok());
        assertFalse("Keycloak no longer accepts it", keycloak.introspect(stale.value()));
        // The sender keeps a signed-in connection a few seconds after each send, and the server checks a token
        // only at sign-in: restarting the sender closes the kept ones, so this send signs in with the revoked token.
        Bundle smtp = bundle("io.mfpoauth.mail.smtp");
        smtp.stop();
        smtp.start();

        SentMail sent = sender().send(OutgoingMail.builder().to(fax).subject(subject("after-renewal"))
                .text("sent with the renewed token").build());
        assertNotNull(sent.messageId);
        AccessToken renewed = tokens().accessToken(Slot.smtp());
        assertFalse("renewed after the server refused the old one", stale.value().equals(renewed.value()));
        assertEquals(TokenState.RETRIEVED, tokens().status(Slot.smtp()).state);
    }

    @Test
    public void d2_anAccessTokenThatExpiredWhileTheDeviceWasOffIsRenewedAndTheSendSucceeds() throws Exception {
        // Short-lived access tokens for this retrieval, so one can expire within the test.
        keycloak.setClientAttribute(keycloak.deviceClient(), "access.token.lifespan", "10");
        try {
            tokens().delete(Slot.smtp());
            getToken(Slot.smtp(), scanner);
            AccessToken old = tokens().accessToken(Slot.smtp());

            // The token service is stopped (as when the device is off) until the access token has expired.
            Bundle service = bundle("io.mfpoauth.token.service");
            service.stop();
            long wait = old.expiresAt() - System.currentTimeMillis() + 1_000;
            Thread.sleep(Math.max(0, wait));
            assertFalse("expired at Keycloak", keycloak.introspect(old.value()));
            service.start();

            SentMail sent = sender().send(OutgoingMail.builder().to(fax).subject(subject("after-expiry"))
                    .text("sent after the access token expired").build());
            assertNotNull(sent.messageId);
            AccessToken renewed = tokens().accessToken(Slot.smtp());
            assertFalse("renewed", old.value().equals(renewed.value()));
            assertTrue("a live token now", renewed.expiresAt() > System.currentTimeMillis());
        } finally {
            keycloak.setClientAttribute(keycloak.deviceClient(), "access.token.lifespan", null);
        }
    }

    @Test
    public void e_wrongPasswordsAndWrongTlsSettingsGiveTheirMappedErrors() throws Exception {
        SmtpSettings plain = new SmtpSettings();
        plain.server = mail.host();
        plain.port = mail.smtpPort();
        plain.security = Security.STARTTLS;
        plain.senderAddress = mail.plainUser();
        plain.authMethod = AuthMethod.PASSWORD;
        plain.username = mail.plainUser();
        plain.password = "wrong-" + mail.plainPassword();
        useSmtp(plain);
        assertEquals(MailFailure.BAD_CREDENTIALS.code(), awaitTest(() -> sender().test(), "bad_credentials").code);

        plain.password = mail.plainPassword();
        useSmtp(plain);
        awaitTest(() -> sender().test(), "ok");

        plain.security = Security.TLS; // implicit TLS on a port that speaks plain SMTP first
        useSmtp(plain);
        assertEquals(MailFailure.TLS_FAILED.code(), awaitTest(() -> sender().test(), "tls_failed").code);

        plain.security = Security.STARTTLS;
        plain.port = FirmwareSupport.freePort();
        useSmtp(plain);
        assertEquals(MailFailure.CONNECTION_REFUSED.code(), awaitTest(() -> sender().test(), "connection_refused").code);

        SmtpSettings anonymous = oauthSmtp(OAuthMechanism.AUTO);
        anonymous.authMethod = AuthMethod.NONE;
        useSmtp(anonymous);
        awaitTest(() -> sender().test(), "ok");
        try {
            sender().send(OutgoingMail.builder().to(fax).subject(subject("anonymous")).text("x").build());
            fail("Postfix does not relay for a client that did not sign in");
        } catch (MailException e) {
            assertEquals(e.getMessage(), MailFailure.AUTH_REQUIRED, e.failure());
            assertTrue(e.serverReply(), e.serverReply().startsWith("554"));
        }

        // The test CA removed from the device's trust: the server's certificate is refused, never ignored.
        useSmtp(oauthSmtp(OAuthMechanism.AUTO));
        awaitTest(() -> sender().test(), "ok");
        trustTestCa(false);
        assertEquals(MailFailure.TLS_FAILED.code(), awaitTest(() -> sender().test(), "tls_failed").code);
        trustTestCa(true);
        awaitTest(() -> sender().test(), "ok");

        PopSettings wrong = new PopSettings();
        wrong.id = "plain";
        wrong.server = mail.host();
        wrong.port = mail.pop3Port();
        wrong.security = Security.STARTTLS;
        wrong.authMethod = AuthMethod.PASSWORD;
        wrong.username = mail.plainUser();
        wrong.password = "wrong-" + mail.plainPassword();
        wrong.enabled = false;
        PopMailbox plainBox = usePop(wrong);
        assertEquals(MailFailure.BAD_CREDENTIALS.code(), awaitTest(plainBox::test, "bad_credentials").code);
        wrong.password = mail.plainPassword();
        usePop(wrong);
        awaitTest(plainBox::test, "ok");
        assertTrue(settings().deletePop("plain"));
    }

    @Test
    public void f_theMailServerGoingDownDuringPollingLosesNoMessage() throws Exception {
        assertTrue("the scheduled internet-fax checks would compete for the mailbox", settings().deletePop("ifax"));
        getToken(Slot.pop("cut"), fax);
        List<String> subjects = List.of(subject("cut-1"), subject("cut-2"), subject("cut-3"));
        for (String subject : subjects) {
            sender().send(OutgoingMail.builder().to(fax).subject(subject).text(subject).build());
        }
        awaitInMaildir(fax, subjects);

        try (CuttableProxy proxy = new CuttableProxy(FirmwareSupport.freePort(), mail.pop3sPort())) {
            // The server goes away right after a receiver took the second message, before its deletion was final.
            List<String> seen = new CopyOnWriteArrayList<>();
            MailReceiver cutter = m -> {
                if (m.subject() != null && subjects.contains(m.subject())) {
                    seen.add(m.uidl());
                    if (new HashSet<>(seen).size() == 2) {
                        proxy.cut();
                    }
                }
            };
            Dictionary<String, Object> only = new Hashtable<>();
            only.put(PopSettings.ID_PROPERTY, "cut");
            ServiceRegistration<MailReceiver> registration = context.registerService(MailReceiver.class, cutter, only);
            try {
                PopSettings cut = oauthPop("cut", fax, proxy.port(), Security.TLS, OAuthMechanism.AUTO);
                cut.checkIntervalMinutes = 60;
                PopMailbox box = usePop(cut);
                awaitTest(box::test, "ok");

                PollResult interrupted = box.poll();
                assertFalse("the check failed with the server: " + interrupted, interrupted.ok);
                assertEquals("nothing deleted: the session never reached QUIT", subjects.size(),
                        inMaildir(fax, subjects).size());

                PollResult down = box.poll();
                assertEquals(down.message, MailFailure.CONNECTION_REFUSED.code(), down.code);
                assertEquals("a network failure never makes the token Invalid", TokenState.RETRIEVED,
                        tokens().status(Slot.pop("cut")).state);

                proxy.restore();
                PollResult recovered = box.poll();
                assertTrue(recovered.message, recovered.ok);
                Set<String> kept = archive.messages("cut").stream().map(m -> m.subject)
                        .filter(subjects::contains).collect(Collectors.toSet());
                assertEquals("each message kept exactly once", new HashSet<>(subjects), kept);
                assertEquals(subjects.size(), archive.messages("cut").stream()
                        .filter(m -> subjects.contains(m.subject)).count());
                assertTrue("all deleted from the server now", inMaildir(fax, subjects).isEmpty());
            } finally {
                registration.unregister();
            }
        }
    }

    @Test
    public void g_aTokenRevokedAtTheServerGivesAMappedErrorThenInvalid() throws Exception {
        PopMailbox box = usePop(oauthPop("cut", fax, mail.pop3sPort(), Security.TLS, OAuthMechanism.AUTO));
        awaitTest(box::test, "ok");
        AccessToken current = tokens().accessToken(Slot.pop("cut"));
        keycloak.logoutUser(fax);
        keycloak.revoke(keycloak.deviceClient(), current.value());

        PollResult refused = box.poll();
        assertFalse(refused.ok);
        assertEquals(refused.message, MailFailure.TOKEN_REJECTED.code(), refused.code);
        assertTrue(refused.message, refused.message.contains("-ERR"));
        TokenStatus invalid = tokens().status(Slot.pop("cut"));
        assertEquals("the provider's verdict on the forced renewal", TokenState.INVALID, invalid.state);
        assertEquals("invalid_grant", invalid.error.code);
        assertEquals(MailFailure.NO_TOKEN.code(), box.test().code);
        assertTrue(settings().deletePop("cut"));
    }

    @Test
    public void h_theMailBundlesWireUpAndStopCleanly() throws Exception {
        for (String bsn : List.of("io.mfpoauth.mail.api", "io.mfpoauth.mail.auth", "io.mfpoauth.mail.smtp",
                "io.mfpoauth.mail.pop", "org.eclipse.angus.jakarta.mail", "angus-activation", "jakarta.activation-api")) {
            assertEquals(bsn + " is active", Bundle.ACTIVE, bundle(bsn).getState());
        }
        // A configuration an integrator wrote by hand with a bad value: the mailbox says which field.
        Dictionary<String, Object> bad = new Hashtable<>();
        bad.put(PopSettings.ID_PROPERTY, "bad");
        bad.put("server", mail.host());
        bad.put("port", "99999");
        bad.put("authMethod", "oauth2");
        configAdmin.getFactoryConfiguration(PopSettings.FACTORY_PID, "bad", "?").update(bad);
        TestResult notConfigured = mailbox("bad").test();
        assertEquals(MailFailure.NOT_CONFIGURED.code(), notConfigured.code);
        assertTrue(notConfigured.message, notConfigured.message.contains("port"));

        // Polling threads end with their bundle.
        Bundle pop = bundle("io.mfpoauth.mail.pop");
        pop.stop();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!pollThreads().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("no POP thread outlives its bundle", List.of(), pollThreads());
        pop.start();
        assertNotNull(mailbox("bad"));
        configAdmin.getFactoryConfiguration(PopSettings.FACTORY_PID, "bad", "?").delete();
    }

    // ---- settings and services -------------------------------------------------------------------------------

    private SmtpSettings oauthSmtp(OAuthMechanism mechanism) {
        SmtpSettings s = new SmtpSettings();
        s.server = mail.host();
        s.port = mail.smtpPort();
        s.security = Security.STARTTLS;
        s.senderName = "MFP 3rd floor";
        s.senderAddress = scanner;
        s.authMethod = AuthMethod.OAUTH2;
        s.provider = PROVIDER;
        s.account = scanner;
        s.oauthMechanism = mechanism;
        s.timeoutSeconds = 20;
        return s;
    }

    private PopSettings oauthPop(String id, String account, int port, Security security, OAuthMechanism mechanism) {
        PopSettings p = new PopSettings();
        p.id = id;
        p.server = mail.host();
        p.port = port;
        p.security = security;
        p.authMethod = AuthMethod.OAUTH2;
        p.provider = PROVIDER;
        p.account = account;
        p.oauthMechanism = mechanism;
        p.checkIntervalMinutes = 60;
        p.timeoutSeconds = 20;
        return p;
    }

    private void useSmtp(SmtpSettings s) throws Exception {
        settings().updateSmtp(s);
    }

    private PopMailbox usePop(PopSettings p) throws Exception {
        settings().updatePop(p);
        return mailbox(p.id);
    }

    private void trustTestCa(boolean trusted) throws IOException {
        Dictionary<String, Object> trust = new Hashtable<>();
        trust.put("trustStore", trusted ? mail.trustStore().toString() : "");
        trust.put("trustStoreType", "PKCS12");
        trust.put(".trustStorePassword", mail.trustStorePassword());
        configAdmin.getConfiguration("io.mfpoauth.mail.tls", "?").update(trust);
    }

    /**
     * The services as registered now, never a service object kept across a test: d2 stops and starts the token
     * service bundle, and the components with a static reference to it (the sender, the mailboxes, the settings
     * through the device key) are re-created then, as DS consumers with a static reference see it too.
     */
    private TokenService tokens() {
        return service(TokenService.class);
    }

    private MailSettings settings() {
        return service(MailSettings.class);
    }

    private <S> S service(Class<S> type) {
        ServiceTracker<S, S> t = new ServiceTracker<>(context, type, null);
        t.open();
        try {
            S s = t.waitForService(15_000);
            assertNotNull(type.getSimpleName() + " is registered", s);
            return s;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            t.close();
        }
    }

    private MailSender sender() {
        return service(MailSender.class);
    }

    private PopMailbox mailbox(String id) throws InterruptedException {
        ServiceTracker<PopMailbox, PopMailbox> t;
        try {
            t = new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + PopMailbox.class.getName()
                    + ")(" + PopSettings.ID_PROPERTY + "=" + id + "))"), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        t.open();
        try {
            PopMailbox box = t.waitForService(15_000);
            assertNotNull("the POP mailbox " + id + " is registered", box);
            return box;
        } finally {
            t.close();
        }
    }

    /** Settings reach their component asynchronously (a configuration event): wait until the test says so. */
    private static TestResult awaitTest(Supplier<TestResult> test, String code) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        TestResult last = test.get();
        while (!code.equals(last.code) && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            last = test.get();
        }
        assertEquals(last.message + " / " + last.serverReply, code, last.code);
        return last;
    }

    // ---- tokens ----------------------------------------------------------------------------------------------

    /** Get Token, and the administrator signs in at the verification page, as KeycloakProviderIT does. */
    private void getToken(Slot slot, String user) throws Exception {
        if (tokens().status(slot).state == TokenState.RETRIEVED) {
            return;
        }
        TokenStatus awaiting = tokens().startRetrieval(slot, PROVIDER, user);
        DeviceApproval.approve(awaiting.authorization.verificationUriComplete, user, keycloak.password());
        long deadline = System.currentTimeMillis() + 20_000;
        while (tokens().status(slot).state != TokenState.RETRIEVED) {
            assertTrue(slot + " retrieved: " + tokens().status(slot), System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }

    // ---- mailboxes -------------------------------------------------------------------------------------------

    private StoredMessage awaitArchived(PopMailbox box, String popId, String subject) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (StoredMessage m : archive.messages(popId)) {
                if (subject.equals(m.subject)) {
                    return m;
                }
            }
            PollResult result = box.poll();
            assertTrue(result.message, result.ok);
            Thread.sleep(200);
        }
        fail(subject + " was not received by " + popId + ": " + box.lastPoll());
        return null;
    }

    /** The message files of {@code user}'s mailbox on the server that hold one of the subjects. */
    private List<Path> inMaildir(String user, List<String> subjects) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String folder : List.of("new", "cur")) {
            Path dir = mail.maildir(user).resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String head = head(f);
                    if (subjects.stream().anyMatch(head::contains)) {
                        found.add(f);
                    }
                }
            }
        }
        return found;
    }

    private List<Path> inMaildir(String user, String subject) throws IOException {
        return inMaildir(user, List.of(subject));
    }

    private void awaitInMaildir(String user, List<String> subjects) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (inMaildir(user, subjects).size() < subjects.size()) {
            assertTrue("delivered to " + user, System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }

    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(16384), StandardCharsets.ISO_8859_1);
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    private static List<String> pollThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("mfp-pop-")).collect(Collectors.toList());
    }

    // ---- messages --------------------------------------------------------------------------------------------

    private static String subject(String what) {
        return "mfp-oauth MailIT " + what + " " + UUID.randomUUID();
    }

    /** A PDF-looking file of random bytes (random so nothing compresses or deduplicates it on the way). */
    private static byte[] pdf(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 9);
        return bytes;
    }

    /**
     * The first base64 attachment of a raw message, decoded by hand: the check does not trust the MIME code that
     * built the message.
     */
    private static byte[] attachment(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int disposition = text.indexOf("Content-Disposition: attachment");
        assertTrue("an attachment part", disposition > 0);
        int body = text.indexOf("\r\n\r\n", disposition) + 4;
        int end = text.indexOf("\r\n--", body);
        return Base64.getMimeDecoder().decode(text.substring(body, end));
    }
}
