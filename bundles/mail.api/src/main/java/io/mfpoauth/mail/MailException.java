package io.mfpoauth.mail;

/**
 * A mail operation failed. The message says what happened and what to do; {@link #serverReply()} is the server's
 * own reply when there was one. Neither ever contains a token or a password.
 */
public class MailException extends Exception {
    private static final long serialVersionUID = 1L;

    private final MailFailure failure;
    private final String serverReply;

    public MailException(MailFailure failure, String message, String serverReply, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.serverReply = serverReply;
    }

    public MailException(MailFailure failure, String message) {
        this(failure, message, null, null);
    }

    public MailFailure failure() {
        return failure;
    }

    /** The server's reply that caused the failure (e.g. {@code 535 5.7.3 Authentication unsuccessful}), or null. */
    public String serverReply() {
        return serverReply;
    }

    /** The result a connection test reports for this failure. */
    public TestResult toTestResult() {
        return TestResult.failed(failure, getMessage(), serverReply);
    }
}
