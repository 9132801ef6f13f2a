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
import org.osgi.service.component.annotations.Deactivate;
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
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
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
    private static final byte[] NO_TOKEN = new byte[0];

    private final Semaphore connections = new Semaphore(CONNECTIONS, true);
    /** Kept connections count against the same limit: see {@link IdleConnections}. */
    private final IdleConnections idle = new IdleConnections(CONNECTIONS);
    private final TokenService tokens;
    private final DeviceTrust trust;
    private final MailSecrets secrets;
    private final Logger logger;
    /** Null: the settings' own timeout. Tests set a shorter one than the settings allow. */
    private final Duration timeoutOverride;
    private volatile Snapshot current;

    /** One reading of the configuration with one trust context: a client for it, or why there is none. */
    private record Snapshot(SmtpClient client, SettingsException problem, Map<String, ?> config, SSLContext tls,
            Duration idle) {
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
        idle.closeIdle();
    }

    @Override
    public SentMail send(OutgoingMail mail) throws MailException {
        Snapshot snapshot = snapshot();
        SmtpClient client = snapshot.client();
        return MailClassLoader.call(() -> {
            MessageBuilder.Built message = MessageBuilder.build(client.session(), client.settings(), mail);
            String messageId = messageId(message);
            acquire();
            try {
                SmtpConnection kept = idle.hasKept() ? idle.take(client, tokenDigest(client)) : null;
                if (kept != null) {
                    try {
                        if (kept.reset()) {
                            kept.send(message.message(), message.recipients());
                            return sent(snapshot, kept, message, messageId);
                        }
                    } catch (MailException e) {
                        // Once the content went out the server may have accepted it: sending again could deliver
                        // it twice, so only a kept connection that failed before that is replaced.
                        if (message.written() || !stale(e)) {
                            idle.discard(kept);
                            throw e;
                        }
                    } catch (RuntimeException e) {
                        idle.discard(kept);
                        throw e;
                    }
                    idle.discard(kept);
                }
                reserve();
                SmtpConnection fresh;
                try {
                    fresh = client.open();
                } catch (MailException | RuntimeException e) {
                    idle.discard(null);
                    throw e;
                }
                try {
                    fresh.send(message.message(), message.recipients());
                } catch (MailException | RuntimeException e) {
                    idle.discard(fresh);
                    throw e;
                }
                return sent(snapshot, fresh, message, messageId);
            } catch (MailException e) {
                throw failed(client, message, e);
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
                try {
                    // Always a new connection: the test is of the settings as they are now, sign-in included.
                    reserve();
                    SmtpConnection connection = null;
                    try {
                        connection = client.open();
                        return TestResult.success(describe(client.settings(), connection));
                    } finally {
                        idle.discard(connection);
                    }
                } finally {
                    connections.release();
                }
            });
        } catch (MailException e) {
            return e.toTestResult();
        }
    }

    /** Closes every kept connection and stops their timer. Public for the P6 benchmark, which makes senders itself. */
    @Deactivate
    public void deactivate() {
        idle.shutdown();
    }

    private SentMail sent(Snapshot snapshot, SmtpConnection connection, MessageBuilder.Built message,
            String messageId) {
        // A setting changed during the send: the connection was made with the old one, so it is not kept.
        idle.keep(connection, snapshot.client(), current == snapshot ? snapshot.idle() : Duration.ZERO);
        SentMail sent = new SentMail();
        sent.messageId = messageId;
        sent.recipients = Arrays.stream(message.recipients()).map(InternetAddress::getAddress).toList();
        logger.info("Sent {} to {} recipient(s) through {}, {} bytes of text and attachments", sent.messageId,
                sent.recipients.size(), snapshot.client().server(), message.size());
        return sent;
    }

    private MailException failed(SmtpClient client, MessageBuilder.Built message, MailException e) {
        logger.warn("Sending to {} recipient(s) through {} failed: {} {}", message.recipients().length,
                client.server(), e.failure().code(), e.getMessage());
        return e;
    }

    /**
     * True when a kept connection failed the way a connection the server dropped while idle does: no answer, or
     * 421 (closing). Other replies are the server's answer to this message and would be the same on a new one.
     */
    private static boolean stale(MailException e) {
        return e.failure() == MailFailure.NETWORK || e.failure() == MailFailure.TIMEOUT
                || (e.serverReply() != null && e.serverReply().startsWith("421"));
    }

    /**
     * The digest of the token a new sign-in would use, to reuse only a connection signed in with that same token;
     * null without OAuth 2.0, or when there is no token now (the new connection then reports why).
     */
    private byte[] tokenDigest(SmtpClient client) {
        if (client.settings().authMethod != AuthMethod.OAUTH2) {
            return null;
        }
        try {
            return SmtpConnection.digest(tokens.accessToken(Slot.smtp()).value());
        } catch (TokenException | RuntimeException none) {
            return NO_TOKEN;
        }
    }

    /** Waits for room for one more connection to the server, kept ones included. */
    private void reserve() throws MailException {
        await(idle::reserve);
    }

    private SmtpClient client() throws MailException {
        return snapshot().client();
    }

    private Snapshot snapshot() throws MailException {
        Snapshot snapshot = current;
        if (snapshot.tls() != trust.context()) {
            // The device trust changed: later sends use it (the Session holds the socket factory).
            snapshot = read(snapshot.config());
            current = snapshot;
            idle.closeIdle();
        }
        if (snapshot.problem() != null) {
            throw new MailException(MailFailure.NOT_CONFIGURED, "SMTP setting " + snapshot.problem().getMessage()
                    + ". " + MailFailure.NOT_CONFIGURED.advice());
        }
        return snapshot;
    }

    private Snapshot read(Map<String, ?> config) {
        SSLContext tls = trust.context();
        try {
            SmtpSettings settings = SettingsCodec.smtp(config);
            SettingsCodec.check(settings);
            Duration timeout = timeoutOverride != null ? timeoutOverride : Duration.ofSeconds(settings.timeoutSeconds);
            SmtpClient client = MailClassLoader.call(
                    () -> new SmtpClient(settings, timeout, tls.getSocketFactory(), tokens, secrets));
            Duration idle = Duration.ofSeconds(idleSeconds(config));
            logger.info("SMTP setting: {}, connections kept {} s after a send", settings, idle.toSeconds());
            return new Snapshot(client, null, config, tls, idle);
        } catch (SettingsException e) {
            logger.warn("SMTP setting not usable, sending fails until it is fixed: {}", e.getMessage());
            return new Snapshot(null, e, config, tls, Duration.ZERO);
        }
    }

    /** Not part of {@link SmtpSettings} (the REST API's setting): a device tuning with a safe default. */
    private static int idleSeconds(Map<String, ?> config) throws SettingsException {
        Object value = config.get(SmtpConfig.IDLE_SECONDS);
        int seconds;
        try {
            seconds = value == null ? SmtpConfig.DEFAULT_IDLE_SECONDS
                    : value instanceof Number ? ((Number) value).intValue() : Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new SettingsException(SmtpConfig.IDLE_SECONDS, "must be a whole number of seconds");
        }
        if (seconds < 0 || seconds > SmtpConfig.MAX_IDLE_SECONDS) {
            throw new SettingsException(SmtpConfig.IDLE_SECONDS, "must be between 0 and "
                    + SmtpConfig.MAX_IDLE_SECONDS + " seconds");
        }
        return seconds;
    }

    /** Waits for a free connection: callers queue rather than fail, and an interrupt cancels the wait. */
    private void acquire() throws MailException {
        await(connections::acquire);
    }

    /** A wait for a connection that an interrupt may end. */
    private interface Wait {
        void run() throws InterruptedException;
    }

    private static void await(Wait wait) throws MailException {
        try {
            wait.run();
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
