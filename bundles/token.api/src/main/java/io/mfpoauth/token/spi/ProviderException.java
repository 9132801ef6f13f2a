package io.mfpoauth.token.spi;

/**
 * A provider cannot serve now: its configuration is incomplete or wrong, or its discovery document could not be
 * read. The message is for the administrator.
 */
public class ProviderException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public ProviderException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public ProviderException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether it may work later without a change of configuration (a network fault during discovery). */
    public boolean retryable() {
        return retryable;
    }
}
