package io.mfpoauth.token;

/**
 * A token operation failed. The message is for the administrator; it never contains a token.
 */
public class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean retryable;

    public TokenException(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public TokenException(TokenError error) {
        this(error.code, error.message, error.retryable);
    }

    /** A stable code: one of {@link TokenError}'s constants, a provider's OAuth error, or one of the codes below. */
    public String code() {
        return code;
    }

    /** Whether trying again later may succeed without the administrator doing anything. */
    public boolean retryable() {
        return retryable;
    }

    /** The slot has no token: Get Token first. */
    public static final String NOT_RETRIEVED = "not_retrieved";
    /** The slot's token is invalid: delete it and Get Token again. */
    public static final String INVALID = "invalid";
    /** There is no retrieval in progress to complete, or the flow in progress is not a browser flow. */
    public static final String NO_RETRIEVAL = "no_retrieval";
    /** The provider does not support the flow or protocol asked for. */
    public static final String UNSUPPORTED = "unsupported";
    /** The account name is missing or malformed. */
    public static final String BAD_ACCOUNT = "bad_account";
    /** The service is stopping. */
    public static final String STOPPED = "stopped";
}
