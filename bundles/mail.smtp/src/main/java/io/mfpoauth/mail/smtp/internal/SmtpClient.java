package io.mfpoauth.mail.smtp.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.auth.Sasl;
import io.mfpoauth.mail.auth.TokenLogin;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenService;

/**
 * One reading of the SMTP settings with its Jakarta Mail session: opens connections that are connected, secured and
 * signed in as the settings say. Immutable; a changed configuration makes a new one, so a send in flight keeps the
 * settings it started with. Call it with {@link MailClassLoader#call} around it.
 */
final class SmtpClient {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    private final SmtpSettings settings;
    private final Session session;
    private final TokenService tokens;
    private final MailSecrets secrets;
    private final String server;

    SmtpClient(SmtpSettings settings, Duration timeout, SSLSocketFactory tls, TokenService tokens,
            MailSecrets secrets) {
        this.settings = settings;
        this.tokens = tokens;
        this.secrets = secrets;
        this.server = settings.server + ":" + settings.port;
        this.session = Session.getInstance(properties(settings, timeout, tls));
    }

    SmtpSettings settings() {
        return settings;
    }

    Session session() {
        return session;
    }

    /** {@code host:port}, as messages name the server. */
    String server() {
        return server;
    }

    /** A connection ready to send: connected, secured and signed in. */
    SmtpConnection open() throws MailException {
        SmtpConnection first = connect();
        try {
            switch (settings.authMethod) {
                case PASSWORD:
                    first.signIn(settings.username, secrets.open(settings.password));
                    return first;
                case OAUTH2:
                    return signInWithToken(first);
                default:
                    return first;
            }
        } catch (MailException | RuntimeException e) {
            first.close();
            throw e;
        }
    }

    private SmtpConnection signInWithToken(SmtpConnection first) throws MailException {
        Set<String> offered = first.mechanisms();
        Sasl mechanism = Sasl.choose(settings.oauthMechanism, offered);
        if (mechanism == null) {
            String wanted = settings.oauthMechanism == null || settings.oauthMechanism == OAuthMechanism.AUTO
                    ? "XOAUTH2 or OAUTHBEARER" : settings.oauthMechanism.name();
            throw first.noMechanism(wanted, offered);
        }
        AtomicReference<SmtpConnection> unused = new AtomicReference<>(first);
        return new TokenLogin(tokens).run(Slot.smtp(), token -> {
            // The retry after a refused token needs a new connection: many servers hang up after a failed AUTH.
            SmtpConnection connection = unused.getAndSet(null);
            if (connection == null) {
                connection = connect();
            }
            try {
                connection.signIn(mechanism, settings.account, settings.server, settings.port, token);
                return connection;
            } catch (TokenLogin.Rejected | MailException | RuntimeException e) {
                connection.close();
                throw e;
            }
        });
    }

    private SmtpConnection connect() throws MailException {
        SMTPTransport transport = null;
        try {
            transport = (SMTPTransport) session.getTransport("smtp");
            transport.connect(settings.server, settings.port, null, null);
            return new SmtpConnection(transport, server);
        } catch (MessagingException e) {
            MailException failure = transport == null ? SmtpFailures.of(e, server, -1, null)
                    : SmtpFailures.of(e, server, transport.getLastReturnCode(), transport.getLastServerResponse());
            if (transport != null) {
                new SmtpConnection(transport, server).close();
            }
            throw failure;
        }
    }

    static Properties properties(SmtpSettings settings, Duration timeout, SSLSocketFactory tls) {
        Properties p = new Properties();
        String millis = Long.toString(timeout.toMillis());
        p.setProperty("mail.smtp.host", settings.server);
        p.setProperty("mail.smtp.port", Integer.toString(settings.port));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        // We send AUTH ourselves (SmtpConnection); Jakarta Mail must not try its own first.
        p.setProperty("mail.smtp.auth", "false");
        // The protocol trace would show our AUTH lines, which carry the token or password. (It also follows the JUL
        // level of org.eclipse.angus.mail.smtp: never set that to FINEST on a device in use.)
        p.setProperty("mail.debug", "false");
        // All recipients or none: a partial send would be reported as a success the caller cannot see through.
        p.setProperty("mail.smtp.sendpartial", "false");
        p.setProperty("mail.smtp.localhost", LocalName.VALUE);
        // The Message-ID's right-hand side; without it Jakarta Mail asks the DNS for the device's own name.
        if (settings.senderAddress != null) {
            p.setProperty("mail.from", settings.senderAddress);
        }
        if (settings.security == Security.TLS) {
            p.setProperty("mail.smtp.ssl.enable", "true");
        } else if (settings.security == Security.STARTTLS) {
            // Required, not just enabled: a server that does not offer STARTTLS is an error, never plain text.
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
        }
        if (settings.security != Security.NONE) {
            // An object, not a class name: put(), not setProperty().
            p.put("mail.smtp.ssl.socketFactory", tls);
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        return p;
    }

    /** The name the device gives in EHLO: its host name when it is a valid one, else {@code mfp}. */
    private static final class LocalName {
        static final String VALUE = localName();

        private static String localName() {
            try {
                String name = InetAddress.getLocalHost().getHostName();
                if (HOST_NAME.matcher(name).matches() && !name.equalsIgnoreCase("localhost")) {
                    return name;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // no name: the fallback below
            }
            return "mfp";
        }
    }
}
