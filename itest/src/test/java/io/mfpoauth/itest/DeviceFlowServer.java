package io.mfpoauth.itest;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small stateful authorization server with the device grant, refresh with rotation, and revocation, so the
 * token service's wiring in Felix can be driven through every state. It issues random tokens, remembers which
 * refresh token is current, and answers {@code invalid_grant} to any other. The test stands in for the
 * administrator by calling {@link #approve()}.
 */
final class DeviceFlowServer extends LocalAuthServer {
    final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile boolean approved;
    private volatile String deviceCode;
    private volatile String refreshToken;
    /** How long a refresh answer takes, so a test can act while a refresh is in flight. */
    volatile long refreshDelayMillis;

    DeviceFlowServer() throws IOException {
        super();
    }

    /** The administrator signed in and consented. */
    void approve() {
        approved = true;
    }

    /** The account was disabled: no refresh token works any more. */
    void revokeAll() {
        refreshToken = null;
    }

    @Override
    protected synchronized Answer answer(String path, Map<String, String> form) {
        switch (path) {
            case "/device":
                approved = false;
                deviceCode = UUID.randomUUID().toString();
                return new Answer(200, "{\"device_code\":\"" + deviceCode + "\",\"user_code\":\"ITST-CODE\","
                        + "\"verification_uri\":\"https://login.example.test/device\",\"expires_in\":300,\"interval\":1}");
            case "/token":
                tokenRequests.incrementAndGet();
                if ("refresh_token".equals(form.get("grant_type"))) {
                    pause(refreshDelayMillis);
                    if (refreshToken == null || !refreshToken.equals(form.get("refresh_token"))) {
                        return new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"account disabled\"}");
                    }
                    return issue();
                }
                if (deviceCode == null || !deviceCode.equals(form.get("device_code"))) {
                    return new Answer(400, "{\"error\":\"bad_verification_code\"}");
                }
                if (!approved) {
                    return new Answer(400, "{\"error\":\"authorization_pending\"}");
                }
                deviceCode = null;
                return issue();
            case "/revoke":
                return new Answer(200, "{}");
            default:
                return new Answer(404, "{\"error\":\"not_found\"}");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Answer issue() {
        refreshToken = "rt-" + UUID.randomUUID();
        return new Answer(200, "{\"access_token\":\"at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"" + refreshToken + "\"}");
    }
}
