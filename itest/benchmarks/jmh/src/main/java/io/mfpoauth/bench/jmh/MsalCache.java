package io.mfpoauth.bench.jmh;

/**
 * A serialized MSAL token cache (the unified schema MSAL4J's {@code TokenCache.serialize()} writes) holding one
 * account with an id token, a refresh token and an access token valid for {@code lifetimeSeconds}: what an
 * application that persists its cache finds after one interactive sign-in.
 */
final class MsalCache {
    static final String ENVIRONMENT = "login.microsoftonline.com";
    private static final String HOME = "uid.utid";

    private MsalCache() {
    }

    static String json(String clientId, String tenant, String username, String scope, long nowSeconds,
            long lifetimeSeconds) {
        String expires = Long.toString(nowSeconds + lifetimeSeconds);
        String target = scope + " openid profile offline_access";
        return """
                {
                  "Account": {
                    "%1$s-%2$s-%3$s": {
                      "home_account_id": "%1$s", "environment": "%2$s", "realm": "%3$s",
                      "local_account_id": "object1234", "username": "%4$s", "authority_type": "MSSTS"
                    }
                  },
                  "AccessToken": {
                    "%1$s-%2$s-accesstoken-%5$s-%3$s-%6$s": {
                      "home_account_id": "%1$s", "environment": "%2$s", "realm": "%3$s",
                      "credential_type": "AccessToken", "client_id": "%5$s", "secret": "cached-access-token",
                      "target": "%6$s", "cached_at": "%7$s", "expires_on": "%8$s", "extended_expires_on": "%8$s"
                    }
                  },
                  "RefreshToken": {
                    "%1$s-%2$s-refreshtoken-%5$s--%6$s": {
                      "home_account_id": "%1$s", "environment": "%2$s", "credential_type": "RefreshToken",
                      "client_id": "%5$s", "secret": "cached-refresh-token", "target": "%6$s"
                    }
                  },
                  "IdToken": {
                    "%1$s-%2$s-idtoken-%5$s-%3$s-": {
                      "home_account_id": "%1$s", "environment": "%2$s", "realm": "%3$s",
                      "credential_type": "IdToken", "client_id": "%5$s", "secret": "%9$s"
                    }
                  },
                  "AppMetadata": {
                    "appmetadata-%2$s-%5$s": { "environment": "%2$s", "client_id": "%5$s" }
                  }
                }
                """.formatted(HOME, ENVIRONMENT, tenant, username, clientId, target, Long.toString(nowSeconds),
                expires, idToken(tenant, username, clientId, nowSeconds + lifetimeSeconds));
    }

    /** An unsigned JWT with the claims MSAL reads from a cached id token; it never verifies cached ones. */
    private static String idToken(String tenant, String username, String clientId, long exp) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        String claims = b64.encodeToString(("{\"aud\":\"" + clientId + "\",\"iss\":\"https://" + ENVIRONMENT + "/"
                + tenant + "/v2.0\",\"oid\":\"object1234\",\"tid\":\"utid\",\"preferred_username\":\"" + username
                + "\",\"exp\":" + exp + "}").getBytes());
        return header + "." + claims + ".";
    }
}
