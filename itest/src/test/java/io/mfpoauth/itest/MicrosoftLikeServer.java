package io.mfpoauth.itest;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers as the Microsoft identity platform's v2.0 endpoints do, in the shapes Microsoft documents: a device
 * code answer with {@code message} and without {@code verification_uri_complete}; errors with an OAuth
 * {@code error}, an {@code error_description} starting with the AADSTS number, and {@code error_codes}. The real
 * service is out of reach from here.
 */
final class MicrosoftLikeServer extends LocalAuthServer {
    final List<Map<String, String>> deviceCodeRequests = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile boolean approved;
    /** When set, the device code endpoint answers with this AADSTS error. */
    volatile Long deviceCodeError;
    /** When set, refreshes answer invalid_grant with this AADSTS number. */
    volatile Long refreshError;

    MicrosoftLikeServer() throws IOException {
        super();
    }

    void approve() {
        approved = true;
    }

    static Answer error(String error, long code, String text) {
        return new Answer(400, "{\"error\":\"" + error + "\",\"error_description\":\"AADSTS" + code + ": " + text
                + "\\r\\nTrace ID: 0d2c1f5e-0000-4000-8000-000000000000\\r\\nCorrelation ID: 9b8f7e6d-0000-4000-8000-000000000000"
                + "\\r\\nTimestamp: 2026-11-28 10:00:00Z\",\"error_codes\":[" + code + "],\"timestamp\":\"2026-11-28 10:00:00Z\","
                + "\"trace_id\":\"0d2c1f5e-0000-4000-8000-000000000000\",\"correlation_id\":\"9b8f7e6d-0000-4000-8000-000000000000\","
                + "\"error_uri\":\"https://login.microsoftonline.com/error?code=" + code + "\"}");
    }

    @Override
    protected synchronized Answer answer(String path, Map<String, String> form) {
        if (path.endsWith("/oauth2/v2.0/devicecode")) {
            deviceCodeRequests.add(form);
            if (deviceCodeError != null) {
                return error("invalid_client", deviceCodeError, "The request body must contain the following parameter:"
                        + " 'client_assertion' or 'client_secret'.");
            }
            approved = false;
            return new Answer(200, "{\"user_code\":\"FJ7KQ2ZXB\",\"device_code\":\"DAQABAAEAAAD--" + UUID.randomUUID()
                    + "\",\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":1,"
                    + "\"message\":\"To sign in, use a web browser to open the page https://microsoft.com/devicelogin"
                    + " and enter the code FJ7KQ2ZXB to authenticate.\"}");
        }
        if (path.endsWith("/oauth2/v2.0/token")) {
            tokenRequests.add(form);
            if ("refresh_token".equals(form.get("grant_type")) && refreshError != null) {
                return error("invalid_grant", refreshError, "The refresh token has expired due to inactivity.");
            }
            if (!"refresh_token".equals(form.get("grant_type")) && !approved) {
                return error("authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending."
                        + " Continue polling.");
            }
            return new Answer(200, "{\"token_type\":\"Bearer\",\"scope\":\"https://outlook.office.com/SMTP.Send"
                    + " https://outlook.office.com/.default\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                    + "\"access_token\":\"eyJ0eXAiOiJKV1QiLCJub25jZSI6Ik1TLUFULUNBTkFSWSJ9." + UUID.randomUUID()
                    + "\",\"refresh_token\":\"0.AXoA-MS-RT-" + UUID.randomUUID() + "\"}");
        }
        return new Answer(404, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900561: The endpoint only"
                + " accepts POST requests.\",\"error_codes\":[900561]}");
    }
}
