package io.mfpoauth.itest.mail;

import io.mfpoauth.itest.ServerFacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test mail servers that {@code itest/mailserver/mailserver.sh start} runs on 127.0.0.1 for the integration tests:
 * a real Dovecot (POP3, POP3S, submission, LMTP) and a real Postfix (submission, delivering through Dovecot LMTP), both
 * checking OAuth 2.0 bearer tokens (SASL XOAUTH2 and OAUTHBEARER) through the test Keycloak's introspection endpoint.
 *
 * <p>The facts come from the properties file the script writes ({@code itest/target/mailserver/mailserver.properties}
 * unless {@code MFPOAUTH_MAIL_PROPS} says otherwise), whose path the build hands to the tests as the system property
 * {@value #PROPS_PROPERTY}. JDK only.
 *
 * <h2>What runs</h2>
 * <ul>
 * <li>{@link #smtpPort()}: Postfix submission. STARTTLS offered (not required); {@code AUTH XOAUTH2} in the one-line
 * form ({@code AUTH XOAUTH2 <initial response>}, what Jakarta Mail sends) and the two-step form, {@code OAUTHBEARER},
 * {@code PLAIN}; SASL is asked to Dovecot, so tokens are checked by Keycloak. This is the port a firmware test uses.</li>
 * <li>{@link #smtpDovecotPort()}: Dovecot's own submission service (relays through Postfix). STARTTLS offered. Its
 * {@code AUTH} command line is limited to about 1 KB: with a Keycloak token only the two-step form works (the
 * one-line form gets {@code 500 5.5.2 Line too long}).</li>
 * <li>{@link #pop3Port()} (STLS offered) and {@link #pop3sPort()} (implicit TLS): Dovecot POP3, {@code AUTH XOAUTH2}
 * (one-line or two-line), {@code OAUTHBEARER}, {@code PLAIN}, {@code USER}/{@code PASS} for the password user.</li>
 * <li>TLS: a server certificate for {@code 127.0.0.1} (SAN IP 127.0.0.1, DNS localhost and mail.mfp.test) signed by a
 * test CA made at each start: {@link #caCert()} (PEM), {@link #trustStore()} (PKCS12), {@link #sslContext()}.</li>
 * <li>Users: {@link #oauthUsers()} (the Keycloak users, {@code scanner@mfp.test} and {@code fax@mfp.test}, token only)
 * and {@link #plainUser()} / {@link #plainPassword()} (password only). The XOAUTH2 {@code user=} must equal the
 * token's {@code email} claim. No authentication cache and no failure delay: a token that Keycloak no longer
 * accepts (expired, user logged out) is refused at once.</li>
 * <li>Mail: only the listed {@code @mfp.test} mailboxes are delivered (Maildir under {@link #maildir(String)});
 * other recipients, in the domain or not, are refused at {@code RCPT} ({@code 550 5.1.1}): nothing leaves the
 * machine. Messages up to {@link #messageSizeLimit()} (50 MiB).</li>
 * </ul>
 * Failed XOAUTH2 logins take two steps: the server sends a challenge ({@code 334} / {@code +}) holding base64 JSON
 * {@code {"status":"401",...}}, the client answers an empty line, then gets {@code 535} / {@code -ERR}
 * ({@link MailProbe} does this).
 */
public final class MailServer {
    /** System property holding the path of the properties file written by {@code mailserver.sh start}. */
    public static final String PROPS_PROPERTY = "mfpoauth.mailserver.props";
    /** System property set to {@code true} when the build leaves the mail servers out. */
    public static final String SKIP_PROPERTY = "mfpoauth.mailserver.skip";
    /** Environment variable the script also honours for the properties file's path. */
    public static final String PROPS_ENV = "MFPOAUTH_MAIL_PROPS";

    private final Properties props;

    private MailServer(Properties props) {
        this.props = props;
    }

    /** True when the build leaves the mail servers out: tests that need them should be skipped. */
    public static boolean skipped() {
        return Boolean.getBoolean(SKIP_PROPERTY);
    }

    /**
     * The running test mail servers, from the file named by the system property {@value #PROPS_PROPERTY} (or the
     * environment variable {@value #PROPS_ENV}).
     *
     * @throws IllegalStateException naming the file and how to start the servers when it is missing
     */
    public static MailServer fromSystemProperty() {
        return load(ServerFacts.location("test mail server", PROPS_PROPERTY, PROPS_ENV,
                "start them with itest/mailserver/mailserver.sh start"));
    }

    /** The test mail servers described by a properties file written by {@code mailserver.sh start}. */
    public static MailServer load(Path file) {
        Properties p = ServerFacts.load(file, "test mail server", "are they running? "
                + "'itest/mailserver/mailserver.sh start' starts them after 'itest/keycloak/keycloak.sh start'; "
                + "'mvn verify' does so in pre-integration-test",
                List.of("host", "smtpPort", "pop3Port", "pop3sPort", "caCert", "maildir", "users", "oauthUsers",
                        "plainUser", "plainPassword"));
        return new MailServer(p);
    }

    // ---- facts -------------------------------------------------------------------------------------------------

    /** {@code 127.0.0.1}. */
    public String host() {
        return props.getProperty("host");
    }

    /** Postfix submission: STARTTLS; AUTH XOAUTH2 one-line and two-step, OAUTHBEARER, PLAIN. */
    public int smtpPort() {
        return port("smtpPort");
    }

    /** Dovecot submission: STARTTLS; AUTH XOAUTH2 two-step only (with Keycloak's ~1.1 KB tokens), or -1 if absent. */
    public int smtpDovecotPort() {
        return props.containsKey("smtpDovecotPort") ? port("smtpDovecotPort") : -1;
    }

    /** Dovecot POP3 (STLS offered). */
    public int pop3Port() {
        return port("pop3Port");
    }

    /** Dovecot POP3 over implicit TLS. */
    public int pop3sPort() {
        return port("pop3sPort");
    }

    /** Dovecot LMTP (Postfix delivers there; tests need not). */
    public int lmtpPort() {
        return port("lmtpPort");
    }

    /** PEM file of the test CA that signed the servers' certificate. */
    public Path caCert() {
        return Paths.get(props.getProperty("caCert"));
    }

    /** PKCS12 trust store holding the test CA (password {@link #trustStorePassword()}), or null if none was made. */
    public Path trustStore() {
        String s = props.getProperty("trustStore", "");
        return s.isEmpty() ? null : Paths.get(s);
    }

    public String trustStorePassword() {
        return props.getProperty("trustStorePassword", "changeit");
    }

    /** Root of the mailboxes: {@code <maildir>/<user>/Maildir}. */
    public Path maildir() {
        return Paths.get(props.getProperty("maildir"));
    }

    /** The Maildir of one user ({@code new/}, {@code cur/}, {@code tmp/}). */
    public Path maildir(String user) {
        return maildir().resolve(user.toLowerCase()).resolve("Maildir");
    }

    /** Every mailbox: the OAuth users and the password user. */
    public List<String> users() {
        return list("users");
    }

    /** The users that log in with tokens (the test Keycloak's users). */
    public List<String> oauthUsers() {
        return list("oauthUsers");
    }

    /** The user that logs in with a password (AUTH PLAIN, USER/PASS): {@code plain@mfp.test}. */
    public String plainUser() {
        return props.getProperty("plainUser");
    }

    public String plainPassword() {
        return props.getProperty("plainPassword");
    }

    public long messageSizeLimit() {
        return Long.parseLong(props.getProperty("messageSizeLimit", "52428800"));
    }

    /** The introspection endpoint the servers ask. */
    public String introspectionUrl() {
        return props.getProperty("introspectionUrl", "");
    }

    public String dovecotVersion() {
        return props.getProperty("dovecotVersion", "");
    }

    public String postfixVersion() {
        return props.getProperty("postfixVersion", "");
    }

    public Path dovecotLog() {
        return Paths.get(props.getProperty("dovecotLog", ""));
    }

    public Path postfixLog() {
        return Paths.get(props.getProperty("postfixLog", ""));
    }

    /** An SSL context trusting the test CA only. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(caCert())) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int k = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("mfp-oauth-test-ca-" + k++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test CA " + caCert() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "test mail servers (Dovecot " + dovecotVersion() + ", Postfix " + postfixVersion() + ") on " + host()
                + ": smtp " + smtpPort() + ", smtpDovecot " + smtpDovecotPort() + ", pop3 " + pop3Port() + ", pop3s "
                + pop3sPort();
    }

    private int port(String key) {
        return Integer.parseInt(props.getProperty(key).trim());
    }

    private List<String> list(String key) {
        return Collections.unmodifiableList(Arrays.asList(props.getProperty(key).split(",")));
    }
}
