package io.mfpoauth.token.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A provider's OAuth 2.0 endpoints, given explicitly or found by the token service from an issuer's discovery
 * document ({@code /.well-known/openid-configuration}, else RFC 8414's {@code /.well-known/oauth-authorization-server}).
 * Endpoints given explicitly win over discovered ones. The token service accepts {@code https} addresses only,
 * except on loopback, and reads discovery documents through its own HTTP client (with the device's proxy).
 */
public final class ProviderEndpoints {
    private final URI issuer;
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
        this(null, Objects.requireNonNull(token, "token endpoint"), deviceAuthorization, authorization, revocation);
    }

    /**
     * Endpoints to complete by discovery from {@code issuer}; any endpoint given here wins over the discovered one.
     *
     * @param issuer the authorization server's issuer identifier, or null when every needed endpoint is given
     */
    public ProviderEndpoints(URI issuer, URI token, URI deviceAuthorization, URI authorization, URI revocation) {
        if (issuer == null && token == null) {
            throw new NullPointerException("an issuer or a token endpoint is required");
        }
        this.issuer = issuer;
        this.token = token;
        this.deviceAuthorization = deviceAuthorization;
        this.authorization = authorization;
        this.revocation = revocation;
    }

    /** Endpoints found entirely by discovery from {@code issuer}. */
    public static ProviderEndpoints discover(URI issuer) {
        return new ProviderEndpoints(Objects.requireNonNull(issuer, "issuer"), null, null, null, null);
    }

    /** The issuer to discover missing endpoints from, or null. */
    public URI issuer() {
        return issuer;
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
        return "ProviderEndpoints[issuer=" + issuer + ", token=" + token + ", device=" + deviceAuthorization + ", authorization="
                + authorization + ", revocation=" + revocation + "]";
    }
}
