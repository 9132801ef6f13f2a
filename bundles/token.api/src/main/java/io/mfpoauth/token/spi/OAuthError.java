package io.mfpoauth.token.spi;

import java.util.List;

/**
 * An error answer of a provider's token or device endpoint (RFC 6749 §5.2), as the token service read it, for the
 * provider to {@linkplain OAuthProvider#classify classify}. Holds no token.
 */
public final class OAuthError {
    private final int httpStatus;
    private final String error;
    private final String description;
    private final List<Long> errorCodes;

    /**
     * @param httpStatus the HTTP status of the answer
     * @param error the {@code error} field, or null when the answer had none
     * @param description the {@code error_description} field, or null
     * @param errorCodes provider-specific numeric codes (Microsoft's {@code error_codes}, the AADSTS numbers)
     */
    public OAuthError(int httpStatus, String error, String description, List<Long> errorCodes) {
        this.httpStatus = httpStatus;
        this.error = error;
        this.description = description;
        this.errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String error() {
        return error;
    }

    public String description() {
        return description;
    }

    public List<Long> errorCodes() {
        return errorCodes;
    }

    @Override
    public String toString() {
        return "OAuthError[" + httpStatus + " " + error + " " + errorCodes + "]";
    }
}
