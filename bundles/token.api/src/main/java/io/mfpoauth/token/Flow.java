package io.mfpoauth.token;

/** How a token is obtained from a provider. */
public enum Flow {
    /**
     * OAuth 2.0 Device Authorization Grant (RFC 8628): the device shows an address and a user code, the
     * administrator signs in on any phone or computer, the device polls.
     */
    DEVICE_CODE,
    /**
     * Authorization code with PKCE (RFC 7636, S256), completed in a browser; the redirect reaches the device's
     * loopback listener, or the administrator pastes the redirected address back.
     */
    AUTHORIZATION_CODE
}
