package io.mfpoauth.itest.keycloak;

import io.mfpoauth.itest.ServerFacts;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The test Keycloak that {@code itest/keycloak/keycloak.sh start} runs on 127.0.0.1 for the integration tests: its
 * connection facts, the OAuth 2.0 endpoints a device uses, and the admin operations a test needs.
 *
 * <p>The facts come from the properties file the script writes ({@code itest/target/keycloak/keycloak.properties}
 * unless {@code MFPOAUTH_KEYCLOAK_PROPS} says otherwise), whose path the build hands to the tests as the system property
 * {@value #PROPS_PROPERTY}. JDK only ({@code java.net.http}): usable in the test JVM and inside Pax Exam probes.
 *
 * <h2>The realm {@code mfp}, created afresh at every start</h2>
 * <ul>
 * <li>Access tokens live {@link #accessTokenLifespan()} = 60 s; device codes 600 s, polling interval 1 s
 * ({@link #devicePollingInterval()}; polling sooner gives {@code slow_down}).</li>
 * <li>{@link #deviceClient()} {@code mfp-device}: public, device grant, authorization code flow (redirect
 * {@code http://127.0.0.1/*}), consent required, default scopes {@code email profile ...}, optional
 * {@code offline_access}; an audience mapper puts {@link #introspectClient()} in the access token's {@code aud}.
 * {@link #shortDeviceClient()} {@code mfp-device-short}: the same, but its device codes expire after
 * {@link #shortDeviceCodeLifespan()} = 10 s (client attribute {@code oauth2.device.code.lifespan}).</li>
 * <li>Refresh tokens rotate: every refresh returns a new one and the one used is dead at once (realm
 * {@code revokeRefreshToken=true}, {@code refreshTokenMaxReuse=0}); using it again gives {@code invalid_grant}.</li>
 * <li>{@link #introspectClient()} {@code mail-introspect}: confidential, with {@link #introspectSecret()} (random per
 * start), for the mail server's token introspection.</li>
 * <li>Users {@link #users()} {@code scanner@mfp.test} and {@code fax@mfp.test}, e-mail verified, password
 * {@link #password()}.</li>
 * </ul>
 *
 * <h2>Which admin operation kills which token (checked by {@code KeycloakServerIT})</h2>
 * <ul>
 * <li>{@link #logoutUser(String)} ends the user's online sessions and sets the user's "not before" to now: every token
 * issued to the user before the call, refresh tokens with or without {@code offline_access} included, is dead
 * afterwards (refresh gives {@code invalid_grant}: "Session not active" or "Stale token"; access tokens introspect as
 * inactive). Keycloak compares whole seconds, so the call first waits for the next second. Offline sessions
 * themselves survive it (see {@link #offlineSessions}); tokens obtained after it work.</li>
 * <li>{@link #revokeConsent(String, String)} withdraws the user's consent to the client and ends its offline sessions
 * and its online sessions with that client: refresh tokens of that client (offline or not) then give
 * {@code invalid_grant}.</li>
 * <li>Replaying a rotated-out refresh token gives {@code invalid_grant} and also ends the session the new one belongs
 * to (Keycloak's reuse detection): the new refresh token is dead too.</li>
 * </ul>
 * Keycloak asks for consent on every device approval (26.7), so {@link DeviceApproval#deny} needs no preparation.
 * Keycloak's introspection endpoint answers {@code active: true} for live <em>access</em> tokens only; for refresh
 * tokens use {@link #refresh} to learn whether one is still alive.
 */
public final class Keycloak {
    /** System property holding the path of the properties file written by {@code keycloak.sh start}. */
    public static final String PROPS_PROPERTY = "mfpoauth.keycloak.props";
    /** System property set to {@code true} when the build was run with {@code -Dkeycloak.skip=true}. */
    public static final String SKIP_PROPERTY = "mfpoauth.keycloak.skip";
    /** Environment variable the script also honours for the properties file's path. */
    public static final String PROPS_ENV = "MFPOAUTH_KEYCLOAK_PROPS";

    public static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Properties props;
    private final Path source;
    private final HttpClient http;
    private String adminToken;
    private long adminTokenValidUntilNanos;

    private Keycloak(Properties props, Path source) {
        this.props = props;
        this.source = source;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** True when the build skips Keycloak ({@code -Dkeycloak.skip=true}): tests that need it should be skipped. */
    public static boolean skipped() {
        return Boolean.getBoolean(SKIP_PROPERTY);
    }

    /**
     * The running test Keycloak, from the file named by the system property {@value #PROPS_PROPERTY} (or the
     * environment variable {@value #PROPS_ENV}).
     *
     * @throws IllegalStateException naming the file and how to start Keycloak when it is missing
     */
    public static Keycloak fromSystemProperty() {
        return load(ServerFacts.location("test Keycloak", PROPS_PROPERTY, PROPS_ENV,
                "start it with itest/keycloak/keycloak.sh start"));
    }

    /** The test Keycloak described by a properties file written by {@code keycloak.sh start}. */
    public static Keycloak load(Path file) {
        Properties p = ServerFacts.load(file, "test Keycloak", "is Keycloak running? "
                + "'itest/keycloak/keycloak.sh start' starts it; 'mvn verify' does so in pre-integration-test"
                + (skipped() ? "; this build was run with -Dkeycloak.skip=true" : ""),
                List.of("issuer", "baseUrl", "realm", "deviceClient", "shortDeviceClient", "introspectClient",
                        "introspectSecret", "adminUser", "adminPassword", "users", "password"));
        return new Keycloak(p, file);
    }

    // ---- facts ---------------------------------------------------------------------------------------------------

    /** Issuer of the test realm, e.g. {@code http://127.0.0.1:41234/realms/mfp}. */
    public String issuer() {
        return props.getProperty("issuer");
    }

    /** {@code http://127.0.0.1:<httpPort>}. */
    public String baseUrl() {
        return props.getProperty("baseUrl");
    }

    public int httpPort() {
        return Integer.parseInt(props.getProperty("httpPort"));
    }

    /** Port of Keycloak's management interface ({@code /health/ready}). */
    public int managementPort() {
        return Integer.parseInt(props.getProperty("managementPort"));
    }

    public String realm() {
        return props.getProperty("realm");
    }

    public String adminUser() {
        return props.getProperty("adminUser");
    }

    public String adminPassword() {
        return props.getProperty("adminPassword");
    }

    /** Public client with the device grant, consent required: {@code mfp-device}. */
    public String deviceClient() {
        return props.getProperty("deviceClient");
    }

    /**
     * The firmware's generic provider for this Keycloak, as a firmware configuration holds it (factory PID
     * {@code io.mfpoauth.provider.oidc}): provider {@code id}, the device grant through {@code clientId}, the e-mail
     * and offline scopes for SMTP and POP, proposed for {@code mfp.test}.
     */
    public java.util.Dictionary<String, Object> providerConfiguration(String id, String clientId) {
        java.util.Dictionary<String, Object> props = new java.util.Hashtable<>();
        props.put("provider.id", id);
        props.put("name", "Keycloak (" + id + ")");
        props.put("issuer", issuer());
        props.put("clientId", clientId);
        props.put("smtpScopes", "email offline_access");
        props.put("pop3Scopes", "email offline_access");
        props.put("hosts", new String[] {"mfp.test"});
        return props;
    }

    /** {@link #providerConfiguration} as the file {@code io.mfpoauth.provider.oidc-<id>.cfg} of a configuration folder. */
    public String providerConfigurationFile(String id) {
        return "provider.id=" + id + "\nname=Keycloak (" + id + ")\nissuer=" + issuer() + "\nclientId=" + deviceClient()
                + "\nsmtpScopes=email offline_access\npop3Scopes=email offline_access\nhosts=mfp.test\n";
    }

    /** Like {@link #deviceClient()}, but its device codes expire after {@link #shortDeviceCodeLifespan()}. */
    public String shortDeviceClient() {
        return props.getProperty("shortDeviceClient");
    }

    public Duration shortDeviceCodeLifespan() {
        return Duration.ofSeconds(Long.parseLong(props.getProperty("shortDeviceCodeLifespan", "10")));
    }

    /** Confidential client for token introspection (a mail server's): {@code mail-introspect}. */
    public String introspectClient() {
        return props.getProperty("introspectClient");
    }

    public String introspectSecret() {
        return props.getProperty("introspectSecret");
    }

    /** The test users' e-mail addresses (also their user names): {@code scanner@mfp.test}, {@code fax@mfp.test}. */
    public List<String> users() {
        return Collections.unmodifiableList(Arrays.asList(props.getProperty("users").split(",")));
    }

    /** The password of every test user. */
    public String password() {
        return props.getProperty("password");
    }

    public Duration accessTokenLifespan() {
        return Duration.ofSeconds(Long.parseLong(props.getProperty("accessTokenLifespan", "60")));
    }

    public Duration deviceCodeLifespan() {
        return Duration.ofSeconds(Long.parseLong(props.getProperty("deviceCodeLifespan", "600")));
    }

    public Duration devicePollingInterval() {
        return Duration.ofSeconds(Long.parseLong(props.getProperty("devicePollingInterval", "1")));
    }

    /** Process id of the Keycloak launcher ({@code kc.sh}). */
    public long pid() {
        return Long.parseLong(props.getProperty("pid", "-1"));
    }

    /** Keycloak's log file. */
    public Path log() {
        return Paths.get(props.getProperty("log", ""));
    }

    public URI discoveryUri() {
        return URI.create(issuer() + "/.well-known/openid-configuration");
    }

    public URI deviceAuthorizationEndpoint() {
        return URI.create(issuer() + "/protocol/openid-connect/auth/device");
    }

    public URI authorizationEndpoint() {
        return URI.create(issuer() + "/protocol/openid-connect/auth");
    }

    public URI tokenEndpoint() {
        return URI.create(issuer() + "/protocol/openid-connect/token");
    }

    public URI revocationEndpoint() {
        return URI.create(issuer() + "/protocol/openid-connect/revoke");
    }

    public URI introspectionEndpoint() {
        return URI.create(issuer() + "/protocol/openid-connect/token/introspect");
    }

    /** Where a user enters a device's user code. */
    public URI verificationUri() {
        return URI.create(issuer() + "/device");
    }

    // ---- what a device does --------------------------------------------------------------------------------------

    /** An HTTP answer: status, body, and the body as a JSON object when it is one. */
    public static final class Reply {
        public final int status;
        public final String body;
        private final Map<String, Object> json;

        Reply(int status, String body) {
            this.status = status;
            this.body = body;
            Map<String, Object> j = null;
            if (body != null && body.trim().startsWith("{")) {
                try {
                    j = Json.object(body);
                } catch (IllegalArgumentException ignored) {
                    // not JSON after all
                }
            }
            this.json = j == null ? Collections.emptyMap() : j;
        }

        /** The body as a JSON object (empty when it is not one). */
        public Map<String, Object> json() {
            return json;
        }

        /** A member of the JSON body as a string, or null. */
        public String get(String name) {
            Object v = json.get(name);
            return v == null ? null : v.toString();
        }

        /** The OAuth {@code error} of the answer, or null. */
        public String error() {
            return get("error");
        }

        public boolean ok() {
            return status / 100 == 2;
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + Json.cut(body == null ? "" : body);
        }
    }

    /** The discovery document ({@code /.well-known/openid-configuration}) as JSON. */
    public Map<String, Object> discovery() {
        Reply r = send(HttpRequest.newBuilder(discoveryUri()).GET());
        require(r, "discovery document");
        return r.json();
    }

    /** RFC 8628 device authorization request: device_code, user_code, verification_uri(_complete), interval... */
    public Reply deviceAuthorization(String clientId, String scope) {
        return postForm(deviceAuthorizationEndpoint(), form("client_id", clientId, "scope", scope), null);
    }

    /** One poll of the token endpoint with a device code. */
    public Reply pollDeviceToken(String clientId, String deviceCode) {
        return postForm(tokenEndpoint(),
                form("grant_type", DEVICE_CODE_GRANT, "client_id", clientId, "device_code", deviceCode), null);
    }

    /** A refresh token grant (public client). */
    public Reply refresh(String clientId, String refreshToken) {
        return postForm(tokenEndpoint(),
                form("grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken), null);
    }

    /** RFC 7009 revocation of a token by the public client that holds it. */
    public Reply revoke(String clientId, String token) {
        return postForm(revocationEndpoint(), form("client_id", clientId, "token", token), null);
    }

    // ---- admin operations ----------------------------------------------------------------------------------------

    /** An access token of the bootstrap admin (master realm, {@code admin-cli}), reused while it is fresh. */
    public synchronized String adminToken() {
        if (adminToken != null && System.nanoTime() < adminTokenValidUntilNanos) {
            return adminToken;
        }
        Reply r = postForm(URI.create(baseUrl() + "/realms/master/protocol/openid-connect/token"),
                form("grant_type", "password", "client_id", "admin-cli",
                        "username", adminUser(), "password", adminPassword()), null);
        require(r, "admin token");
        adminToken = r.get("access_token");
        long lifespan = Long.parseLong(Objects.toString(r.get("expires_in"), "60"));
        adminTokenValidUntilNanos = System.nanoTime() + Duration.ofSeconds(Math.max(5, lifespan - 15)).toNanos();
        return adminToken;
    }

    /** The Keycloak id of a test user, found by e-mail. */
    public String userId(String email) {
        List<Object> found = Json.array(admin("GET", "/users?exact=true&email=" + enc(email), null).body);
        if (found.size() != 1) {
            throw new IllegalStateException("user " + email + ": " + found.size() + " found in realm " + realm());
        }
        return (String) ((Map<?, ?>) found.get(0)).get("id");
    }

    /** The internal id of a client, found by its client id. */
    public String clientUuid(String clientId) {
        List<Object> found = Json.array(admin("GET", "/clients?clientId=" + enc(clientId), null).body);
        if (found.size() != 1) {
            throw new IllegalStateException("client " + clientId + ": " + found.size() + " found in realm " + realm());
        }
        return (String) ((Map<?, ?>) found.get(0)).get("id");
    }

    /**
     * Logs the user out: ends its online sessions and makes every token issued to it before this call stale, offline
     * refresh tokens included (refresh then gives {@code invalid_grant}; access tokens introspect as inactive).
     * Keycloak keeps "not before" in whole seconds, so this first waits until the second of the call is over.
     */
    public void logoutUser(String email) {
        String id = userId(email);
        long now = System.currentTimeMillis();
        try {
            Thread.sleep(1000 - now % 1000 + 50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        admin("POST", "/users/" + id + "/logout", "");
    }

    /**
     * Withdraws the user's consent to a client and ends the user's offline and online sessions with that client: its
     * refresh tokens ({@code offline_access} ones included) then give {@code invalid_grant}. Does nothing if the user
     * never consented.
     */
    public void revokeConsent(String email, String clientId) {
        Reply r = adminReply("DELETE", "/users/" + userId(email) + "/consents/" + enc(clientId), null);
        if (!r.ok() && r.status != 404) {
            throw new IllegalStateException("revoking the consent of " + email + " to " + clientId + ": " + r);
        }
    }

    /** Number of the user's online (browser or non-offline token) sessions. */
    public int userSessions(String email) {
        return Json.array(admin("GET", "/users/" + userId(email) + "/sessions", null).body).size();
    }

    /** Number of the user's offline sessions with a client (those that {@code offline_access} tokens live in). */
    public int offlineSessions(String email, String clientId) {
        return Json.array(admin("GET", "/users/" + userId(email) + "/offline-sessions/" + clientUuid(clientId),
                null).body).size();
    }

    /** Sets (or, with a null value, removes) an attribute of a client, e.g. {@code oauth2.device.code.lifespan}. */
    @SuppressWarnings("unchecked")
    public void setClientAttribute(String clientId, String name, String value) {
        String uuid = clientUuid(clientId);
        Map<String, Object> client = Json.object(admin("GET", "/clients/" + uuid, null).body);
        Map<String, Object> attributes = client.get("attributes") instanceof Map
                ? new LinkedHashMap<>((Map<String, Object>) client.get("attributes")) : new LinkedHashMap<>();
        attributes.put(name, value); // a JSON null makes Keycloak remove the attribute
        client.put("attributes", attributes);
        admin("PUT", "/clients/" + uuid, Json.write(client));
    }

    /** Token introspection (RFC 7662) by {@link #introspectClient()}: the answer as JSON. */
    public Map<String, Object> introspection(String token) {
        String basic = Base64.getEncoder().encodeToString(
                (enc(introspectClient()) + ":" + enc(introspectSecret())).getBytes(StandardCharsets.UTF_8));
        Reply r = postForm(introspectionEndpoint(), form("token", token), "Basic " + basic);
        require(r, "introspection");
        return r.json();
    }

    /** Whether introspection says the (access) token is active. */
    public boolean introspect(String token) {
        return Boolean.TRUE.equals(introspection(token).get("active"));
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    private Reply admin(String method, String path, String jsonBody) {
        Reply r = adminReply(method, path, jsonBody);
        if (!r.ok()) {
            throw new IllegalStateException("Keycloak admin " + method + " " + path + ": " + r);
        }
        return r;
    }

    private Reply adminReply(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/realms/" + realm() + path))
                .header("Authorization", "Bearer " + adminToken())
                .header("Accept", "application/json");
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        return send(b);
    }

    private Reply postForm(URI uri, Map<String, String> form, String authorization) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : form.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    private Reply send(HttpRequest.Builder b) {
        HttpRequest request = b.timeout(TIMEOUT).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e
                    + " (is the test Keycloak still running? its log: " + log() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    private static void require(Reply r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException(what + ": " + r);
        }
    }

    static Map<String, String> form(String... nameValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k + 1 < nameValues.length; k += 2) {
            m.put(nameValues[k], nameValues[k + 1]);
        }
        return m;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Keycloak[" + issuer() + ", props " + source + "]";
    }
}
