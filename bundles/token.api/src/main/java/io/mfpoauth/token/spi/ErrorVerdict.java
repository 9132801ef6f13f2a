package io.mfpoauth.token.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What an error answer means for a token: the grant is unusable (the slot becomes Invalid), the device is
 * misconfigured (the administrator must fix a setting; the token is kept), or the fault is transient (retried).
 */
public final class ErrorVerdict {

    /** The three kinds of error answer. */
    public enum Kind {
        /** The provider says the grant can no longer be used: the slot becomes Invalid. */
        GRANT_UNUSABLE,
        /** A setting of the device or of its app registration is wrong; the token is kept. */
        CONFIGURATION,
        /** Try again later; the token is kept. */
        TRANSIENT
    }

    private static final Set<String> GRANT_UNUSABLE = Set.of("invalid_grant", "interaction_required",
            "consent_required", "login_required", "invalid_token");
    private static final Set<String> TRANSIENT = Set.of("temporarily_unavailable", "server_error", "slow_down");

    private final Kind kind;
    private final String message;

    /**
     * @param kind what the error means
     * @param message what the administrator should read, in English; null to let the service word it
     */
    public ErrorVerdict(Kind kind, String message) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.message = message;
    }

    public Kind kind() {
        return kind;
    }

    public String message() {
        return message;
    }

    /**
     * The classification of RFC 6749 and RFC 8628 alone: {@code invalid_grant} and the OpenID Connect
     * interaction errors make the grant unusable; {@code temporarily_unavailable}, {@code server_error}, HTTP 5xx
     * and 429 are transient; every other answer, known or not, is a configuration error, so an answer the device
     * does not understand never throws a token away.
     */
    public static ErrorVerdict standard(OAuthError error) {
        String code = error.error();
        if (code != null && GRANT_UNUSABLE.contains(code)) {
            return new ErrorVerdict(Kind.GRANT_UNUSABLE, null);
        }
        if ((code != null && TRANSIENT.contains(code)) || error.httpStatus() >= 500 || error.httpStatus() == 429) {
            return new ErrorVerdict(Kind.TRANSIENT, null);
        }
        return new ErrorVerdict(Kind.CONFIGURATION, null);
    }

    @Override
    public String toString() {
        return "ErrorVerdict[" + kind + (message == null ? "" : ", " + message) + "]";
    }
}
