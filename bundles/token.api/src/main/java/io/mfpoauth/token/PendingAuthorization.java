package io.mfpoauth.token;

import org.osgi.dto.DTO;

/**
 * What the administrator needs while a slot is {@link TokenState#AWAITING_AUTHORIZATION}: for the device flow,
 * the address to open and the code to type; for the browser flow, the address to open.
 */
public class PendingAuthorization extends DTO {
    /** The flow in progress. */
    public Flow flow;
    /** Device flow: the code the administrator types at the verification address. */
    public String userCode;
    /** Device flow: the verification address. */
    public String verificationUri;
    /** Device flow: the verification address with the code in it, when the provider gives one (for a QR code). */
    public String verificationUriComplete;
    /** Device flow: the provider's own instruction text, when it gives one. */
    public String message;
    /** Browser flow: the authorization address to open in a browser. */
    public String authorizationUrl;
    /** When the code or the browser attempt expires, milliseconds since the epoch. */
    public long expiresAt;
}
