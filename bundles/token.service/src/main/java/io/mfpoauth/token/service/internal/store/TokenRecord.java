package io.mfpoauth.token.service.internal.store;

import java.util.Objects;

/**
 * One slot's stored token. Immutable. {@link #toString()} never shows the refresh or access token, so a record
 * may be logged or put in an exception message safely.
 */
public final class TokenRecord {
    private final String slot;
    private final String provider;
    private final String account;
    private final String refreshToken;
    private final String accessToken;
    private final long accessExpiresAt;
    private final long retrievedAt;
    private final String scope;
    private final boolean invalid;
    private final String invalidCode;
    private final String invalidMessage;

    /**
     * @param slot the slot's name ({@code smtp} or {@code pop-<id>}), required
     * @param provider the provider id
     * @param account the mailbox the token is for
     * @param refreshToken the refresh token, or null
     * @param accessToken the access token, or null
     * @param accessExpiresAt when the access token expires, epoch ms; 0 when there is none
     * @param retrievedAt when the token was obtained, epoch ms
     * @param scope the granted scope, or null
     * @param invalid whether the provider declared the grant unusable
     * @param invalidCode the error code that made it invalid, or null
     * @param invalidMessage the administrator's explanation of that, or null
     */
    public TokenRecord(String slot, String provider, String account, String refreshToken, String accessToken,
            long accessExpiresAt, long retrievedAt, String scope, boolean invalid, String invalidCode,
            String invalidMessage) {
        this.slot = Objects.requireNonNull(slot, "slot");
        this.provider = provider;
        this.account = account;
        this.refreshToken = refreshToken;
        this.accessToken = accessToken;
        this.accessExpiresAt = accessExpiresAt;
        this.retrievedAt = retrievedAt;
        this.scope = scope;
        this.invalid = invalid;
        this.invalidCode = invalidCode;
        this.invalidMessage = invalidMessage;
    }

    public String slot() {
        return slot;
    }

    public String provider() {
        return provider;
    }

    public String account() {
        return account;
    }

    /** Secret. */
    public String refreshToken() {
        return refreshToken;
    }

    /** Secret. */
    public String accessToken() {
        return accessToken;
    }

    public long accessExpiresAt() {
        return accessExpiresAt;
    }

    public long retrievedAt() {
        return retrievedAt;
    }

    public String scope() {
        return scope;
    }

    public boolean invalid() {
        return invalid;
    }

    public String invalidCode() {
        return invalidCode;
    }

    public String invalidMessage() {
        return invalidMessage;
    }

    /** A copy with a new access token and its expiry. */
    public TokenRecord withAccess(String newAccessToken, long newAccessExpiresAt) {
        return new TokenRecord(slot, provider, account, refreshToken, newAccessToken, newAccessExpiresAt,
                retrievedAt, scope, invalid, invalidCode, invalidMessage);
    }

    /** A copy with a new (rotated) refresh token. */
    public TokenRecord withRefreshToken(String newRefreshToken) {
        return new TokenRecord(slot, provider, account, newRefreshToken, accessToken, accessExpiresAt,
                retrievedAt, scope, invalid, invalidCode, invalidMessage);
    }

    /** A copy marked invalid with the provider's verdict; the tokens are kept (Delete erases them). */
    public TokenRecord withInvalid(String code, String message) {
        return new TokenRecord(slot, provider, account, refreshToken, accessToken, accessExpiresAt,
                retrievedAt, scope, true, code, message);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TokenRecord)) {
            return false;
        }
        TokenRecord r = (TokenRecord) o;
        return accessExpiresAt == r.accessExpiresAt && retrievedAt == r.retrievedAt && invalid == r.invalid
                && slot.equals(r.slot) && Objects.equals(provider, r.provider)
                && Objects.equals(account, r.account) && Objects.equals(refreshToken, r.refreshToken)
                && Objects.equals(accessToken, r.accessToken) && Objects.equals(scope, r.scope)
                && Objects.equals(invalidCode, r.invalidCode) && Objects.equals(invalidMessage, r.invalidMessage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(slot, provider, account, refreshToken, accessToken, accessExpiresAt, retrievedAt, scope,
                invalid, invalidCode, invalidMessage);
    }

    @Override
    public String toString() {
        return "TokenRecord[slot=" + slot + ", provider=" + provider + ", account=" + account
                + ", refreshToken=" + (refreshToken == null ? "none" : "<hidden>")
                + ", accessToken=" + (accessToken == null ? "none" : "<hidden>")
                + ", accessExpiresAt=" + accessExpiresAt + ", retrievedAt=" + retrievedAt + ", scope=" + scope
                + ", invalid=" + invalid + (invalid ? ", invalidCode=" + invalidCode : "") + "]";
    }
}
