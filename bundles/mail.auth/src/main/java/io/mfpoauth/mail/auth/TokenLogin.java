package io.mfpoauth.mail.auth;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;

/**
 * Signs in with a slot's access token: when the server rejects it, reports the rejection to the token service (one
 * forced refresh, shared with every other sender that reports the same token) and tries once more. Whether the slot
 * becomes INVALID is the token service's verdict on that refresh, never the mail server's.
 */
public final class TokenLogin {

    /** One sign-in attempt with a token. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @throws Rejected when the server refused the token itself (not when sign-in is disabled or the network
         *         failed: those are plain {@link MailException}s and are not retried)
         */
        T signIn(AccessToken token) throws Rejected, MailException;
    }

    /** The server refused the token; carries the mapped failure with the server's reply. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient MailException failure;

        public Rejected(MailException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }

        public MailException failure() {
            return failure;
        }
    }

    private final TokenService tokens;

    public TokenLogin(TokenService tokens) {
        this.tokens = tokens;
    }

    /** Runs {@code attempt} with the slot's token, and once more with a forced refresh if the server rejected it. */
    public <T> T run(Slot slot, Attempt<T> attempt) throws MailException {
        AccessToken token;
        try {
            token = tokens.accessToken(slot);
        } catch (TokenException e) {
            throw unavailable(slot, e);
        }
        try {
            return attempt.signIn(token);
        } catch (Rejected first) {
            AccessToken renewed;
            try {
                renewed = tokens.rejected(token);
            } catch (TokenException e) {
                MailException refused = first.failure();
                MailException cause = unavailable(slot, e);
                // The server's reply is what the administrator needs; the token service's reason follows it.
                throw new MailException(cause.failure() == MailFailure.TOKEN_UNAVAILABLE ? cause.failure()
                        : refused.failure(), refused.getMessage() + " The token could not be renewed: "
                        + e.getMessage(), refused.serverReply(), e);
            }
            try {
                return attempt.signIn(renewed);
            } catch (Rejected second) {
                throw second.failure();
            }
        }
    }

    private static MailException unavailable(Slot slot, TokenException e) {
        MailFailure failure = e.retryable() ? MailFailure.TOKEN_UNAVAILABLE : MailFailure.NO_TOKEN;
        return new MailException(failure, "Token " + slot + ": " + e.getMessage() + " " + failure.advice(), null, e);
    }
}
