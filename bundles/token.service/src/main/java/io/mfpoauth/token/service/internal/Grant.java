package io.mfpoauth.token.service.internal;

/**
 * A successful token answer. Holds secrets: {@link #toString()} hides them.
 *
 * @param accessToken the new access token
 * @param refreshToken the new (rotated) refresh token, or null when the provider kept the old one
 * @param expiresInSeconds the access token's lifetime
 * @param scope the granted scope, or null
 */
record Grant(String accessToken, String refreshToken, long expiresInSeconds, String scope) {
    @Override
    public String toString() {
        return "Grant[expiresIn=" + expiresInSeconds + ", rotated=" + (refreshToken != null) + ", scope=" + scope + "]";
    }
}
