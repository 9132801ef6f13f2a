package io.mfpoauth.mail.smtp.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.auth.Failures;
import io.mfpoauth.mail.auth.Sasl;
import io.mfpoauth.mail.auth.TokenLogin;
import io.mfpoauth.token.AccessToken;

/**
 * One connected and secured SMTP transport, and the AUTH exchange on it. The exchange is ours, not Jakarta Mail's:
 * its authenticators cannot tell a refused token (refresh and retry) from SMTP AUTH being disabled (do not), and do
 * not answer the XOAUTH2/OAUTHBEARER error challenge. Not thread-safe: one send at a time, like the transport.
 */
final class SmtpConnection implements AutoCloseable {
    private static final int SIGNED_IN = 235;
    private static final int CHALLENGE = 334;

    private final SMTPTransport transport;
    private final String server;
    private static final int OK = 250;

    private String signedIn;
    /** A digest of the token this connection signed in with, never the token: reuse compares it with today's. */
    private byte[] tokenDigest;

    SmtpConnection(SMTPTransport transport, String server) {
        this.transport = transport;
        this.server = server;
    }

    /** The SASL mechanisms the server offers now (after STARTTLS), upper case. */
    Set<String> mechanisms() {
        String offered = transport.supportsExtension("AUTH") ? transport.getExtensionParameter("AUTH") : null;
        if (offered == null || offered.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(offered.trim().split("\\s+")).map(m -> m.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** AUTH PLAIN, or AUTH LOGIN where PLAIN is not offered. */
    void signIn(String username, String password) throws MailException {
        Set<String> offered = mechanisms();
        int code;
        String mechanism;
        try {
            if (offered.contains("PLAIN")) {
                mechanism = "PLAIN";
                code = command("AUTH PLAIN " + Sasl.plain(username, password));
            } else if (offered.contains("LOGIN")) {
                mechanism = "LOGIN";
                code = command("AUTH LOGIN");
                if (code == CHALLENGE) {
                    code = command(base64(username));
                }
                if (code == CHALLENGE) {
                    code = command(base64(password));
                }
            } else {
                throw noMechanism("PLAIN or LOGIN", offered);
            }
        } catch (IllegalArgumentException controlCharacter) {
            throw new MailException(MailFailure.BAD_CREDENTIALS, "The user name or the password contains a "
                    + "control character. " + MailFailure.BAD_CREDENTIALS.advice());
        }
        if (code != SIGNED_IN) {
            String reply = transport.getLastServerResponse();
            throw Failures.reply(Failures.smtpAuth(code, reply, false), server, reply);
        }
        signedIn = mechanism + " as " + username;
    }

    /**
     * Signs in with an access token.
     *
     * @throws TokenLogin.Rejected when the server refused the token (the connection is then unusable: the caller
     *         closes it and retries on a new one)
     */
    void signIn(Sasl mechanism, String account, String host, int port, AccessToken token)
            throws TokenLogin.Rejected, MailException {
        String response = mechanism == Sasl.XOAUTH2 ? Sasl.xoauth2(account, token.value())
                : Sasl.oauthBearer(account, host, port, token.value());
        int code = command("AUTH " + mechanism.mechanismName() + " " + response);
        if (code == SIGNED_IN) {
            signedIn = mechanism.mechanismName() + " as " + account;
            tokenDigest = digest(token.value());
            return;
        }
        String reply = transport.getLastServerResponse();
        String details = null;
        if (code == CHALLENGE) {
            // The error challenge: the server waits for our acknowledgement before its final reply.
            details = Sasl.readableChallenge(reply == null || reply.length() < 4 ? "" : reply.substring(4));
            try {
                int last = transport.simpleCommand(Sasl.errorAcknowledgement(mechanism));
                if (last > 0) {
                    code = last;
                    reply = transport.getLastServerResponse();
                }
            } catch (MessagingException dropped) {
                // Some servers hang up instead of answering: the challenge already said the token was refused.
            }
        }
        MailFailure failure = Failures.smtpAuth(code, reply, true);
        MailException refused = Failures.reply(failure, server, reply);
        if (details != null && !details.isEmpty()) {
            refused = new MailException(failure, refused.getMessage() + " Details: " + details,
                    refused.serverReply(), null);
        }
        if (failure == MailFailure.TOKEN_REJECTED) {
            throw new TokenLogin.Rejected(refused);
        }
        throw refused;
    }

    /** Sends a message to the given recipients; all of them must be accepted or none is sent to. */
    void send(MimeMessage message, Address[] recipients) throws MailException {
        try {
            transport.sendMessage(message, recipients);
        } catch (MessagingException e) {
            MailException failure = SmtpFailures.of(e, server, transport.getLastReturnCode(),
                    transport.getLastServerResponse());
            throw signedIn == null ? Failures.unauthenticated(failure, server) : failure;
        }
    }

    /** True when signed in with this token, or with none when it is null (password, no sign-in). */
    boolean signedInWith(byte[] digest) {
        return digest == null ? tokenDigest == null : tokenDigest != null && MessageDigest.isEqual(digest, tokenDigest);
    }

    /**
     * Readies a kept connection for the next message: RSET, which also shows that the server still listens (servers
     * close idle connections, often with a 421 we only read now). False when the connection is unusable.
     */
    boolean reset() {
        try {
            return transport.simpleCommand("RSET") == OK;
        } catch (MessagingException | RuntimeException gone) {
            return false;
        }
    }

    /** SHA-256 of a token, to recognize it later without keeping it. */
    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }

    /** How the connection signed in, e.g. {@code XOAUTH2 as scanner@example.com}, or null when it did not. */
    String signedIn() {
        return signedIn;
    }

    MailException noMechanism(String wanted, Set<String> offered) {
        return new MailException(MailFailure.NO_MECHANISM, "Mail server " + server + " offers no " + wanted
                + " sign-in; it offers " + (offered.isEmpty() ? "no sign-in at all" : String.join(" ", offered.stream()
                        .sorted().toList())) + ". " + MailFailure.NO_MECHANISM.advice());
    }

    /** Says goodbye (QUIT); a connection the server already dropped is just released. */
    @Override
    public void close() {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException alreadyGone) {
            // Nothing to tell anyone: the message was sent or the failure is already reported.
        }
    }

    /** Sends a command line that may hold a secret: never put it in a message. */
    private int command(String line) throws MailException {
        try {
            return transport.simpleCommand(line);
        } catch (MessagingException e) {
            throw SmtpFailures.of(e, server, transport.getLastReturnCode(), transport.getLastServerResponse());
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
