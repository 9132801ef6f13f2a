package io.mfpoauth.mail.smtp.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenStatus;

/** Hands out {@code SECRET-TOKEN-1}, then {@code -2} after each rejection; counts what it was asked. */
final class FakeTokens implements TokenService {
    /** Passwords as they are: the sealing is mail.auth's, tested there. */
    static final io.mfpoauth.mail.auth.MailSecrets CLEAR_SECRETS = new io.mfpoauth.mail.auth.MailSecrets() {
        @Override
        public String seal(String password) {
            return password;
        }

        @Override
        public String open(String stored) {
            return stored;
        }
    };

    static final String PREFIX = "SECRET-TOKEN-";

    final AtomicInteger accessCalls = new AtomicInteger();
    final AtomicInteger rejectedCalls = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger(1);
    volatile TokenException failure;

    private AccessToken token() {
        return new AccessToken(Slot.smtp(), "token-owner@example.com", PREFIX + generation.get(),
                System.currentTimeMillis() + 3_600_000);
    }

    @Override
    public AccessToken accessToken(Slot slot) throws TokenException {
        accessCalls.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        return token();
    }

    @Override
    public AccessToken rejected(AccessToken rejected) throws TokenException {
        rejectedCalls.incrementAndGet();
        generation.incrementAndGet();
        return token();
    }

    @Override
    public TokenStatus status(Slot slot) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<TokenStatus> statuses() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ProviderDTO> providers() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String proposeProvider(String mailServerHost) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TokenStatus startRetrieval(Slot slot, String providerId, String account) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TokenStatus completeRetrieval(Slot slot, String redirectUrl) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TokenStatus cancelRetrieval(Slot slot) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TokenStatus delete(Slot slot) {
        throw new UnsupportedOperationException();
    }
}
