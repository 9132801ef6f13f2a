package io.mfpoauth.token.service.internal;

import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;

/**
 * A failed exchange with a provider, classified.
 *
 * @param kind what it means for the token
 * @param code the stable error code shown to the administrator
 * @param message the administrator-facing message
 * @param retryAfterNanos how long the provider asked the device to wait, 0 if it did not say
 */
record Failure(Kind kind, String code, String message, long retryAfterNanos) {

    boolean retryable() {
        return kind == Kind.TRANSIENT;
    }

    TokenError toError(long at) {
        TokenError e = new TokenError();
        e.code = code;
        e.message = message;
        e.retryable = retryable();
        e.at = at;
        return e;
    }

    TokenException toException() {
        return new TokenException(code, message, retryable());
    }

    static Failure transientFault(String code, String message) {
        return new Failure(Kind.TRANSIENT, code, message, 0);
    }

    /** A provider that cannot serve: a network fault while reading its discovery document, or its settings. */
    static Failure of(io.mfpoauth.token.spi.ProviderException e) {
        return e.retryable() ? transientFault(TokenError.NETWORK, e.getMessage())
                : configuration(TokenError.CONFIGURATION, e.getMessage());
    }

    static Failure configuration(String code, String message) {
        return new Failure(Kind.CONFIGURATION, code, message, 0);
    }
}
