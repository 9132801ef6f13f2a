package io.mfpoauth.mail.smtp.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;

import javax.net.ssl.SSLContext;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.auth.SettingsCodec;
import io.mfpoauth.token.TokenService;

/**
 * Sends mail through the device's SMTP setting. Registered even without a (valid) configuration, so the jobs that
 * send find the service and report what to fix instead of finding nothing.
 */
// Immediate: one instance for the firmware's life, so the connection limit holds for every job at once and the
// settings are read once, not each time a job first asks for the service.
@Component(service = MailSender.class, configurationPid = SmtpSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = SmtpConfig.class)
public final class SmtpMailSender implements MailSender {
    /**
     * Exchange Online accepts at most 3 simultaneous SMTP connections per mailbox and refuses a fourth
     * ({@code 432 4.3.2}); every send signs in as the one {@code smtp} account, so more would only fail. Fair, so a
     * waiting scan job is not overtaken again and again.
     */
    private static final int CONNECTIONS = 3;

    private final Semaphore connections = new Semaphore(CONNECTIONS, true);
    private final TokenService tokens;
    private final DeviceTrust trust;
    private final MailSecrets secrets;
    private final Logger logger;
    /** Null: the settings' own timeout. Tests set a shorter one than the settings allow. */
    private final Duration timeoutOverride;
    private volatile Snapshot current;

    /** One reading of the configuration with one trust context: a client for it, or why there is none. */
    private record Snapshot(SmtpClient client, SettingsException problem, Map<String, ?> config, SSLContext tls) {
    }

    @Activate
    public SmtpMailSender(@Reference TokenService tokens, @Reference DeviceTrust trust, @Reference MailSecrets secrets,
            @Reference(service = LoggerFactory.class) Logger logger, Map<String, Object> config) {
        this(tokens, trust, secrets, logger, config, null);
    }

    SmtpMailSender(TokenService tokens, DeviceTrust trust, MailSecrets secrets, Logger logger, Map<String, ?> config,
            Duration timeoutOverride) {
        this.tokens = tokens;
        this.trust = trust;
        this.secrets = secrets;
        this.logger = logger;
        this.timeoutOverride = timeoutOverride;
        this.current = read(config);
    }

    /** New settings apply to the next send; sends in flight finish with the settings they started with. */
    @Modified
    void modified(Map<String, Object> config) {
        current = read(config);
    }

    @Override
    public SentMail send(OutgoingMail mail) throws MailException {
        SmtpClient client = client();
        return MailClassLoader.call(() -> {
            MessageBuilder.Built message = MessageBuilder.build(client.session(), client.settings(), mail);
            acquire();
            try (SmtpConnection connection = client.open()) {
                connection.send(message.message(), message.recipients());
                SentMail sent = new SentMail();
                sent.messageId = messageId(message);
                sent.recipients = Arrays.stream(message.recipients()).map(InternetAddress::getAddress).toList();
                logger.info("Sent {} to {} recipient(s) through {}, {} bytes of text and attachments", sent.messageId,
                        sent.recipients.size(), client.server(), message.size());
                return sent;
            } catch (MailException e) {
                logger.warn("Sending to {} recipient(s) through {} failed: {} {}", message.recipients().length,
                        client.server(), e.failure().code(), e.getMessage());
                throw e;
            } finally {
                connections.release();
            }
        });
    }

    @Override
    public TestResult test() {
        try {
            SmtpClient client = client();
            return MailClassLoader.call(() -> {
                acquire();
                try (SmtpConnection connection = client.open()) {
                    return TestResult.success(describe(client.settings(), connection));
                } finally {
                    connections.release();
                }
            });
        } catch (MailException e) {
            return e.toTestResult();
        }
    }

    private SmtpClient client() throws MailException {
        Snapshot snapshot = current;
        if (snapshot.tls() != trust.context()) {
            // The device trust changed: later sends use it (the Session holds the socket factory).
            snapshot = read(snapshot.config());
            current = snapshot;
        }
        if (snapshot.problem() != null) {
            throw new MailException(MailFailure.NOT_CONFIGURED, "SMTP setting " + snapshot.problem().getMessage()
                    + ". " + MailFailure.NOT_CONFIGURED.advice());
        }
        return snapshot.client();
    }

    private Snapshot read(Map<String, ?> config) {
        SSLContext tls = trust.context();
        try {
            SmtpSettings settings = SettingsCodec.smtp(config);
            SettingsCodec.check(settings);
            Duration timeout = timeoutOverride != null ? timeoutOverride : Duration.ofSeconds(settings.timeoutSeconds);
            SmtpClient client = MailClassLoader.call(
                    () -> new SmtpClient(settings, timeout, tls.getSocketFactory(), tokens, secrets));
            logger.info("SMTP setting: {}", settings);
            return new Snapshot(client, null, config, tls);
        } catch (SettingsException e) {
            logger.warn("SMTP setting not usable, sending fails until it is fixed: {}", e.getMessage());
            return new Snapshot(null, e, config, tls);
        }
    }

    /** Waits for a free connection: callers queue rather than fail, and an interrupt cancels the wait. */
    private void acquire() throws MailException {
        try {
            connections.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailException(MailFailure.NETWORK, "Sending was cancelled while waiting for a free connection "
                    + "to the mail server.", null, e);
        }
    }

    private static String messageId(MessageBuilder.Built message) throws MailException {
        try {
            return message.messageId();
        } catch (MessagingException e) {
            throw new MailException(MailFailure.BAD_MESSAGE, "The message has no Message-ID", null, e);
        }
    }

    private static String describe(SmtpSettings settings, SmtpConnection connection) {
        String security;
        switch (settings.security) {
            case TLS:
                security = "with TLS";
                break;
            case STARTTLS:
                security = "with STARTTLS";
                break;
            default:
                security = "without encryption";
        }
        String signIn = settings.authMethod == AuthMethod.NONE || connection.signedIn() == null ? "without sign-in"
                : "signed in with " + connection.signedIn();
        return "Connected to " + settings.server + ":" + settings.port + " " + security + ", " + signIn;
    }
}
