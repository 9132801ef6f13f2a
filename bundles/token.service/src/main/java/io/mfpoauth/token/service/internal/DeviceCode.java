package io.mfpoauth.token.service.internal;

/**
 * A device authorization answer (RFC 8628 §3.2). {@link #deviceCode} is a credential: {@link #toString()} hides it.
 */
record DeviceCode(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
        String message, long expiresInSeconds, long intervalSeconds) {
    @Override
    public String toString() {
        return "DeviceCode[userCode=" + userCode + ", uri=" + verificationUri + ", expiresIn=" + expiresInSeconds
                + ", interval=" + intervalSeconds + "]";
    }
}
