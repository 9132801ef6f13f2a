package io.mfpoauth.token.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A provider's OAuth 2.0 endpoints. The token endpoint is required; the others are present when the provider
 * supports what they serve. The token service accepts {@code https} addresses only, except on loopback.
 */
public final class ProviderEndpoints {
    private final URI token;
    private final URI deviceAuthorization;
    private final URI authorization;
    private final URI revocation;

    /**
     * @param token the token endpoint (RFC 6749 §3.2), required
     * @param deviceAuthorization the device authorization endpoint (RFC 8628 §3.1), or null
     * @param authorization the authorization endpoint (RFC 6749 §3.1), or null
     * @param revocation the revocation endpoint (RFC 7009), or null
     */
    public ProviderEndpoints(URI token, URI deviceAuthorization, URI authorization, URI revocation) {
        this.token = Objects.requireNonNull(token, "token endpoint");
        this.deviceAuthorization = deviceAuthorization;
        this.authorization = authorization;
        this.revocation = revocation;
    }

    public URI token() {
        return token;
    }

    public URI deviceAuthorization() {
        return deviceAuthorization;
    }

    public URI authorization() {
        return authorization;
    }

    public URI revocation() {
        return revocation;
    }

    @Override
    public String toString() {
        return "ProviderEndpoints[token=" + token + ", device=" + deviceAuthorization + ", authorization="
                + authorization + ", revocation=" + revocation + "]";
    }
}
