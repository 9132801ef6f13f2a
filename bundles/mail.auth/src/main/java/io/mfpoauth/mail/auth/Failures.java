package io.mfpoauth.mail.auth;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;

/**
 * Maps what mail servers answer, and what the network does, to {@link MailFailure}: the reason the administrator
 * sees. The replies are the ones Exchange Online, Gmail, Postfix and Dovecot give (see README, "Mail").
 */
public final class Failures {
    private static final int MAX_REPLY = 300;

    private Failures() {
    }

    /** What an SMTP server's reply to AUTH means, for a setting that signs in with OAuth 2.0 or a password. */
    public static MailFailure smtpAuth(int code, String reply, boolean oauth) {
        String text = reply == null ? "" : reply;
        if (text.contains("5.7.139")) {
            return MailFailure.SMTP_AUTH_DISABLED;
        }
        if (code == 530) {
            return MailFailure.AUTH_REQUIRED;
        }
        if (code == 504) {
            return MailFailure.NO_MECHANISM;
        }
        if (code >= 400 && code < 500) {
            return MailFailure.SERVER_BUSY;
        }
        if (code == 535 || code == 534 || code == 501 || code == 334) {
            return oauth ? MailFailure.TOKEN_REJECTED : MailFailure.BAD_CREDENTIALS;
        }
        return MailFailure.SERVER_ERROR;
    }

    /** The SMTP phase a reply answered, which decides what a refusal means. */
    public enum SmtpPhase { CONNECT, MAIL_FROM, RCPT_TO, DATA }

    /** What an SMTP server's error reply outside AUTH means. */
    public static MailFailure smtpSend(SmtpPhase phase, int code, String reply) {
        String text = reply == null ? "" : reply;
        // Exchange Online's 530 5.7.57; Postfix's 554 5.7.1 "Relay access denied" to a client that did not sign in.
        if (code == 530 || text.contains("5.7.57") || text.toLowerCase(Locale.ROOT).contains("relay access denied")) {
            return MailFailure.AUTH_REQUIRED;
        }
        if (code >= 400 && code < 500) {
            return MailFailure.SERVER_BUSY;
        }
        switch (phase) {
            case MAIL_FROM:
                return MailFailure.SENDER_REFUSED;
            case RCPT_TO:
                return MailFailure.RECIPIENT_REFUSED;
            case DATA:
                return MailFailure.MESSAGE_REFUSED;
            default:
                return MailFailure.SERVER_ERROR;
        }
    }

    /**
     * A refusal at {@code MAIL FROM} or {@code RCPT TO} with a security status ({@code 5.7.x}) on a connection that
     * did not sign in: the server wants a sign-in (Postfix says "Client host rejected" or "Relay access denied").
     */
    public static MailException unauthenticated(MailException refusal, String server) {
        String reply = refusal.serverReply();
        boolean refusedAddress = refusal.failure() == MailFailure.RECIPIENT_REFUSED
                || refusal.failure() == MailFailure.SENDER_REFUSED;
        if (refusedAddress && reply != null && reply.matches("5\\d\\d[ -]5\\.7\\.\\d{1,3}\\b.*")) {
            return reply(MailFailure.AUTH_REQUIRED, server, reply);
        }
        return refusal;
    }

    /** What a POP3 server's {@code -ERR} to a sign-in means (RFC 2449 response codes first). */
    public static MailFailure popAuth(String reply, boolean oauth) {
        String text = reply == null ? "" : reply.toLowerCase(Locale.ROOT);
        if (text.contains("[in-use]") || text.contains("[sys/temp]") || text.contains("[login-delay]")
                || text.contains("unavailable") || text.contains("too many") || text.contains("try again")
                || text.contains("temporar")) {
            // Exchange Online: "-ERR Server Unavailable. 21"; not a verdict on the token, so no forced refresh.
            return MailFailure.SERVER_BUSY;
        }
        if (text.contains("disabled") || text.contains("not enabled") || text.contains("not allowed")) {
            return MailFailure.POP_DISABLED;
        }
        if (text.contains("[sys/perm]")) {
            return MailFailure.SERVER_ERROR;
        }
        // [AUTH] (RFC 3206), or no response code at all: the credentials.
        return oauth ? MailFailure.TOKEN_REJECTED : MailFailure.BAD_CREDENTIALS;
    }

    /** What a network fault means: walks the cause chain for the most telling exception. */
    public static MailFailure network(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return MailFailure.UNKNOWN_HOST;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return MailFailure.CONNECTION_REFUSED;
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return MailFailure.TIMEOUT;
            }
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return MailFailure.TLS_FAILED;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return MailFailure.NETWORK;
    }

    /** A {@link MailException} for a network fault talking to {@code server}. */
    public static MailException network(Throwable fault, String server) {
        MailFailure failure = network(fault);
        String detail = innermostMessage(fault);
        return new MailException(failure, describe(failure, server) + (detail == null ? "" : " (" + detail + ")"),
                null, fault);
    }

    /** A {@link MailException} for a server's error reply. */
    public static MailException reply(MailFailure failure, String server, String reply) {
        String shown = printable(reply);
        return new MailException(failure, describe(failure, server) + " The server answered: " + shown, shown, null);
    }

    /** One line, printable ASCII, at most 300 characters: safe for a log, a UI and a JSON string. */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REPLY));
        for (int i = 0; i < text.length() && out.length() < MAX_REPLY; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return out.toString().trim();
    }

    private static String describe(MailFailure failure, String server) {
        return "Mail server " + server + ": " + failure.advice();
    }

    private static String innermostMessage(Throwable fault) {
        String message = null;
        for (Throwable t = fault; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getClass().getSimpleName() + ": " + printable(t.getMessage());
            }
        }
        return message;
    }
}
