package io.mfpoauth.token;

/**
 * The event the token service posts on the OSGi EventAdmin each time a slot's status changes: a new state, a new
 * access token (its expiry), a new error, or a new authorization step. Properties carry no token.
 *
 * <p>Subscribe with {@code event.topics=io/mfpoauth/token/STATUS}.
 */
public final class TokenEvents {
    /** The one topic of every status change. */
    public static final String TOPIC = "io/mfpoauth/token/STATUS";
    /** The slot's name (String). */
    public static final String SLOT = "slot";
    /** The new state, the {@link TokenState} name (String). */
    public static final String STATE = "state";
    /** The provider id (String), absent when none. */
    public static final String PROVIDER = "provider";
    /** The account (String), absent when none. */
    public static final String ACCOUNT = "account";
    /** The error code (String), absent when none. */
    public static final String ERROR_CODE = "error.code";
    /** The whole {@link TokenStatus} snapshot. */
    public static final String STATUS = "status";

    private TokenEvents() {
    }
}
