package io.mfpoauth.mail;

import java.util.Locale;

/**
 * Why a mail operation failed, mapped to what the administrator must do. The {@link #code()} is stable (REST API,
 * panel messages); {@link #advice()} is the English sentence a UI shows when it has none of its own.
 */
public enum MailFailure {
    /** Server answered {@code 535 5.7.139}: SMTP AUTH is disabled for the tenant or the mailbox. */
    SMTP_AUTH_DISABLED(false, "Authenticated SMTP (SMTP AUTH) is turned off for this mailbox or the whole tenant: "
            + "turn it on in the mail service's admin center (Exchange: mailbox > Manage email apps > Authenticated SMTP)."),
    /** POP3 access is not enabled for the mailbox. */
    POP_DISABLED(false, "POP is turned off for this mailbox: turn it on in the mail service's admin center."),
    /** The server refused the access token ({@code 535 5.7.3}, a SASL error, POP3 {@code -ERR}) after one refresh. */
    TOKEN_REJECTED(false, "The mail server refused the OAuth 2.0 token: check that the account name is the mailbox "
            + "the token was obtained for (or one it may send as), then Get Token again."),
    /** The token slot has no usable token (not retrieved, invalid, or no new token could be had). */
    NO_TOKEN(false, "There is no valid OAuth 2.0 token for this setting: press Get Token."),
    /** The token could not be refreshed for now (provider unreachable); nothing was changed. */
    TOKEN_UNAVAILABLE(true, "The OAuth 2.0 token could not be renewed right now (the sign-in service did not answer); "
            + "the device tries again."),
    /** {@code 530 5.7.57} and similar: the server wants the device to sign in and it did not. */
    AUTH_REQUIRED(false, "The server requires sign-in: choose an authentication method (OAuth 2.0 or user name and "
            + "password)."),
    /** User name or password refused. */
    BAD_CREDENTIALS(false, "The server refused the user name or password: check both."),
    /** The server offers no sign-in method the device can use with the chosen authentication method. */
    NO_MECHANISM(false, "The server offers no matching sign-in method: check the authentication method and the "
            + "security setting (many servers offer sign-in only after STARTTLS)."),
    /** The server offers no STARTTLS but the setting requires it. */
    STARTTLS_UNAVAILABLE(false, "The server does not offer STARTTLS: check the port and the security setting."),
    /** The TLS handshake failed: certificate not trusted, name mismatch, protocol mismatch. */
    TLS_FAILED(false, "The secure connection failed (the server's certificate is not trusted, does not match the server "
            + "name, or the server does not speak TLS on this port): check the server name, the port, the security "
            + "setting and the device's trusted certificates."),
    /** The server's name could not be resolved. */
    UNKNOWN_HOST(true, "The server name could not be found: check the server name and the device's DNS settings."),
    /** Nothing listens on that port, or a firewall refused. */
    CONNECTION_REFUSED(true, "The server refused the connection: check the server name and the port."),
    /** No answer in time. */
    TIMEOUT(true, "The server did not answer in time: check the network, the server name and the port, or raise "
            + "the timeout."),
    /** Any other network failure (connection reset, network unreachable). */
    NETWORK(true, "The connection to the server failed: check the network."),
    /** The server refused a recipient. */
    RECIPIENT_REFUSED(false, "The server refused a recipient address: check the address."),
    /** The server refused the sender address. */
    SENDER_REFUSED(false, "The server refused the sender address: it must be the signed-in mailbox or one it may "
            + "send as."),
    /** The server refused the message itself (size, content, policy). */
    MESSAGE_REFUSED(false, "The server refused the message (too large, or against its policy)."),
    /** The server reported a temporary failure (a 4xx reply, {@code -ERR [IN-USE]}). */
    SERVER_BUSY(true, "The server is temporarily unable to serve the request; the device tries again later."),
    /** The server answered something the device did not expect. */
    SERVER_ERROR(false, "The server answered with an error: see its reply."),
    /** The settings are incomplete (no server, no account, no provider). */
    NOT_CONFIGURED(false, "The setting is incomplete: fill in the server, and the provider and account for OAuth 2.0."),
    /** The message could not be built (an attachment could not be read). */
    BAD_MESSAGE(false, "The message could not be built: see the message.");

    private final boolean transientFailure;
    private final String advice;

    MailFailure(boolean transientFailure, String advice) {
        this.transientFailure = transientFailure;
        this.advice = advice;
    }

    /** The stable lower-case code, e.g. {@code smtp_auth_disabled}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether trying again later may succeed without the administrator doing anything. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** What the administrator must do, in English. */
    public String advice() {
        return advice;
    }
}
