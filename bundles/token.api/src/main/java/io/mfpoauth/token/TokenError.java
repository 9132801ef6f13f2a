package io.mfpoauth.token;

import org.osgi.dto.DTO;

/**
 * The last error of a slot, as the administrator sees it. Never holds a token.
 *
 * <p>{@link #code} is stable: where the provider answered with an OAuth error, it is that error
 * ({@code invalid_grant}, {@code access_denied}, {@code expired_token}, {@code invalid_client}, ...); otherwise
 * one of the constants below.
 */
public class TokenError extends DTO {

    /** The provider could not be reached: connection refused or reset, timeout, DNS. Retried. */
    public static final String NETWORK = "network";
    /** The provider answered HTTP 5xx. Retried. */
    public static final String SERVER_ERROR = "server_error";
    /** The provider answered HTTP 429 (too many requests). Retried after the time it asked for. */
    public static final String RATE_LIMITED = "rate_limited";
    /** The provider's answer was not the JSON the protocol defines (an HTML page, truncated, too large). Retried. */
    public static final String MALFORMED_RESPONSE = "malformed_response";
    /** The provider rejected the device's configuration (client id, secret, scope, tenant). The token stays as it was. */
    public static final String CONFIGURATION = "configuration";
    /** The slot's provider is not installed (or was removed); its stored token is kept for when it returns. */
    public static final String PROVIDER_MISSING = "provider_missing";
    /** The retrieval was cancelled by the administrator, or by the removal of its provider. */
    public static final String CANCELLED = "cancelled";
    /** The redirected address of a browser flow did not carry the {@code state} this retrieval expects. */
    public static final String STATE_MISMATCH = "state_mismatch";
    /** The stored record of the slot cannot be read or decrypted; a new Get Token replaces it. */
    public static final String STORE_UNREADABLE = "store_unreadable";
    /** The token could not be written durably; the previous token (if any) is still in force. */
    public static final String STORE_FAILED = "store_failed";
    /** The access token expired and there is no refresh token to renew it. */
    public static final String EXPIRED = "expired";
    /** The mail server rejected a freshly refreshed token. */
    public static final String REJECTED_BY_SERVER = "rejected_by_server";

    /** Stable machine-readable code. */
    public String code;
    /** What happened and what the administrator can do, in English. */
    public String message;
    /**
     * Whether the condition is transient: the service retries by itself and the token's state is unchanged
     * ("transient" in the REST API; the word is reserved in Java).
     */
    public boolean retryable;
    /** When it happened, milliseconds since the epoch. */
    public long at;
}
