package io.mfpoauth.mail.pop.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenStatus;

/** A token service that hands out the given token values in turn: the first, then the next on each rejection. */
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

    final AtomicInteger rejectedCalls = new AtomicInteger();
    final AtomicInteger accessCalls = new AtomicInteger();
    private final Deque<String> values;
    private String current;

    FakeTokens(String... values) {
        this.values = new ArrayDeque<>(List.of(values));
        this.current = this.values.poll();
    }

    @Override
    public synchronized AccessToken accessToken(Slot slot) throws TokenException {
        accessCalls.incrementAndGet();
        if (current == null) {
            throw new TokenException(TokenException.NOT_RETRIEVED, "No token: Get Token first.", false);
        }
        return new AccessToken(slot, "fax@contoso.com", current, System.currentTimeMillis() + 3_600_000);
    }

    @Override
    public synchronized AccessToken rejected(AccessToken rejected) throws TokenException {
        rejectedCalls.incrementAndGet();
        String next = values.poll();
        if (next == null) {
            throw new TokenException("invalid_grant", "The provider refused the refresh token.", false);
        }
        current = next;
        return new AccessToken(rejected.slot(), rejected.account(), next, System.currentTimeMillis() + 3_600_000);
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
