package io.mfpoauth.token;

/** The mail protocols a token can be obtained for; each takes its own scopes at the provider. */
public enum MailProtocol {
    SMTP, POP3, IMAP
}
