package io.mfpoauth.itest.keycloak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Collection;
import java.util.Map;

import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The test Keycloak that the build starts behaves as the firmware's tests will rely on: device grant, consent,
 * denial, expiry, rotation of refresh tokens, revocation through the admin API, and introspection. Plain JUnit 4
 * against the real server (no OSGi), through the helpers {@link Keycloak} and {@link DeviceApproval}.
 */
public class KeycloakServerIT {
    private static final String OFFLINE_SCOPE = "openid email offline_access";
    private static final String ONLINE_SCOPE = "openid email";

    private static Keycloak kc;

    @BeforeClass
    public static void keycloak() {
        Assume.assumeFalse("Keycloak skipped (-Dkeycloak.skip=true)", Keycloak.skipped());
        kc = Keycloak.fromSystemProperty();
    }

    /** Polls like a device (honouring interval and slow_down) until the answer is not authorization_pending. */
    private static Keycloak.Reply pollUntilDone(String clientId, Keycloak.Reply authorization, long maxMillis)
            throws InterruptedException {
        long interval = Long.parseLong(authorization.get("interval")) * 1000;
        long deadline = System.currentTimeMillis() + maxMillis;
        while (true) {
            Thread.sleep(interval);
            Keycloak.Reply r = kc.pollDeviceToken(clientId, authorization.get("device_code"));
            if ("slow_down".equals(r.error())) {
                interval += 5000;
            } else if (!"authorization_pending".equals(r.error())) {
                return r;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("still " + r.error() + " after " + maxMillis + " ms");
            }
        }
    }

    /** A device authorization for {@code clientId}, approved by {@code user}: the token answer. */
    private static Keycloak.Reply obtain(String clientId, String user, String scope) throws InterruptedException {
        Keycloak.Reply authorization = kc.deviceAuthorization(clientId, scope);
        assertEquals(authorization.toString(), 200, authorization.status);
        assertEquals(DeviceApproval.SUCCESS_HEADING,
                DeviceApproval.approve(authorization.get("verification_uri_complete"), user, kc.password()));
        Keycloak.Reply tokens = pollUntilDone(clientId, authorization, 10_000);
        assertEquals(tokens.toString(), 200, tokens.status);
        return tokens;
    }

    private static void assertDead(String refreshToken) {
        Keycloak.Reply r = kc.refresh(kc.deviceClient(), refreshToken);
        assertEquals(r.toString(), 400, r.status);
        assertEquals(r.toString(), "invalid_grant", r.error());
    }

    @Test
    public void discoveryAnnouncesTheDeviceEndpoint() {
        Map<String, Object> d = kc.discovery();
        assertEquals(kc.issuer(), d.get("issuer"));
        assertEquals(kc.deviceAuthorizationEndpoint().toString(), d.get("device_authorization_endpoint"));
        assertEquals(kc.tokenEndpoint().toString(), d.get("token_endpoint"));
        assertEquals(kc.revocationEndpoint().toString(), d.get("revocation_endpoint"));
        assertEquals(kc.introspectionEndpoint().toString(), d.get("introspection_endpoint"));
        assertTrue(kc.issuer().startsWith("http://127.0.0.1:"));
    }

    @Test
    public void deviceGrantGivesTokensAfterApprovalAndRotatesTheRefreshToken() throws Exception {
        String user = "scanner@mfp.test";
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.deviceClient(), OFFLINE_SCOPE);
        assertEquals(authorization.toString(), 200, authorization.status);
        assertEquals(kc.verificationUri().toString(), authorization.get("verification_uri"));
        assertNotNull(authorization.get("verification_uri_complete"));
        assertEquals(String.valueOf(kc.deviceCodeLifespan().getSeconds()), authorization.get("expires_in"));
        assertEquals(String.valueOf(kc.devicePollingInterval().getSeconds()), authorization.get("interval"));

        Keycloak.Reply pending = kc.pollDeviceToken(kc.deviceClient(), authorization.get("device_code"));
        assertEquals(pending.toString(), "authorization_pending", pending.error());

        assertEquals(DeviceApproval.SUCCESS_HEADING,
                DeviceApproval.approve(authorization.get("verification_uri_complete"), user, kc.password()));
        Keycloak.Reply tokens = pollUntilDone(kc.deviceClient(), authorization, 10_000);
        assertEquals(tokens.toString(), 200, tokens.status);
        String access = tokens.get("access_token");
        String refresh = tokens.get("refresh_token");
        assertNotNull(access);
        assertNotNull(refresh);
        assertTrue(tokens.get("scope"), tokens.get("scope").contains("offline_access"));

        Map<String, Object> claims = Json.jwtClaims(access);
        assertEquals(user, claims.get("email"));
        assertEquals(Boolean.TRUE, claims.get("email_verified"));
        assertEquals(kc.deviceClient(), claims.get("azp"));
        assertEquals(kc.issuer(), claims.get("iss"));
        Object aud = claims.get("aud");
        assertTrue("aud " + aud, aud instanceof Collection ? ((Collection<?>) aud).contains(kc.introspectClient())
                : kc.introspectClient().equals(aud));
        assertEquals(kc.accessTokenLifespan().getSeconds(),
                ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue());
        assertEquals("Offline", Json.jwtClaims(refresh).get("typ"));
        assertTrue(kc.introspect(access));
        assertEquals(user, kc.introspection(access).get("email"));
        assertTrue(kc.offlineSessions(user, kc.deviceClient()) >= 1);

        Keycloak.Reply refreshed = kc.refresh(kc.deviceClient(), refresh);
        assertEquals(refreshed.toString(), 200, refreshed.status);
        String rotated = refreshed.get("refresh_token");
        assertNotEquals(refresh, rotated);
        assertNotEquals(access, refreshed.get("access_token"));
        assertTrue(kc.introspect(refreshed.get("access_token")));

        // The one used is dead at once; replaying it is taken as theft and also ends the session that the rotated
        // one belongs to (Keycloak's reuse detection).
        assertDead(refresh);
        assertDead(rotated);
        assertFalse(kc.introspect(refreshed.get("access_token")));
    }

    @Test
    public void revokingTheConsentKillsAnOfflineRefreshToken() throws Exception {
        String user = "fax@mfp.test";
        Keycloak.Reply tokens = obtain(kc.deviceClient(), user, OFFLINE_SCOPE);
        assertEquals("Offline", Json.jwtClaims(tokens.get("refresh_token")).get("typ"));
        assertTrue(kc.introspect(tokens.get("access_token")));
        assertTrue(kc.offlineSessions(user, kc.deviceClient()) >= 1);

        kc.revokeConsent(user, kc.deviceClient());

        assertDead(tokens.get("refresh_token"));
        assertFalse(kc.introspect(tokens.get("access_token")));
        assertEquals(0, kc.offlineSessions(user, kc.deviceClient()));
    }

    @Test
    public void loggingOutKillsOnlineAndOfflineRefreshTokens() throws Exception {
        String user = "scanner@mfp.test";
        Keycloak.Reply offline = obtain(kc.deviceClient(), user, OFFLINE_SCOPE);
        Keycloak.Reply online = obtain(kc.deviceClient(), user, ONLINE_SCOPE);
        assertEquals("Refresh", Json.jwtClaims(online.get("refresh_token")).get("typ"));
        assertTrue(kc.userSessions(user) >= 1);

        kc.logoutUser(user);

        assertEquals(0, kc.userSessions(user));
        assertDead(online.get("refresh_token"));
        assertFalse(kc.introspect(online.get("access_token")));
        // The offline session itself survives, but the logout's not-before makes its earlier tokens stale.
        assertDead(offline.get("refresh_token"));
        assertFalse(kc.introspect(offline.get("access_token")));
        // A new approval works again at once.
        assertTrue(kc.introspect(obtain(kc.deviceClient(), user, OFFLINE_SCOPE).get("access_token")));
    }

    @Test
    public void denyingEndsPollingWithAccessDenied() throws Exception {
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.deviceClient(), OFFLINE_SCOPE);
        String page = DeviceApproval.deny(authorization.get("verification_uri_complete"), "fax@mfp.test", kc.password());
        assertNotEquals(DeviceApproval.SUCCESS_HEADING, page);
        Keycloak.Reply r = pollUntilDone(kc.deviceClient(), authorization, 10_000);
        assertEquals(r.toString(), 400, r.status);
        assertEquals(r.toString(), "access_denied", r.error());
    }

    @Test
    public void approvingByTypingTheUserCode() throws Exception {
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.deviceClient(), OFFLINE_SCOPE);
        assertEquals(DeviceApproval.SUCCESS_HEADING, DeviceApproval.approve(authorization.get("verification_uri"),
                authorization.get("user_code"), "fax@mfp.test", kc.password()));
        Keycloak.Reply tokens = pollUntilDone(kc.deviceClient(), authorization, 10_000);
        assertEquals(tokens.toString(), 200, tokens.status);
        assertEquals("fax@mfp.test", Json.jwtClaims(tokens.get("access_token")).get("email"));
    }

    @Test
    public void aWrongPasswordIsReportedWithThePage() {
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.deviceClient(), OFFLINE_SCOPE);
        try {
            DeviceApproval.approve(authorization.get("verification_uri_complete"), "fax@mfp.test", "wrong");
            throw new AssertionError("approved with a wrong password");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Invalid username or password"));
        }
    }

    @Test
    public void anUnapprovedCodeOfTheShortClientExpires() throws Exception {
        Keycloak.Reply authorization = kc.deviceAuthorization(kc.shortDeviceClient(), OFFLINE_SCOPE);
        assertEquals(authorization.toString(), 200, authorization.status);
        assertEquals(String.valueOf(kc.shortDeviceCodeLifespan().getSeconds()), authorization.get("expires_in"));
        long start = System.nanoTime();
        Keycloak.Reply r = pollUntilDone(kc.shortDeviceClient(), authorization,
                kc.shortDeviceCodeLifespan().toMillis() + 20_000);
        assertEquals(r.toString(), "expired_token", r.error());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= kc.shortDeviceCodeLifespan().toMillis() - 1000);
    }

    @Test
    public void clientAttributesCanBeChanged() {
        kc.setClientAttribute(kc.shortDeviceClient(), "oauth2.device.polling.interval", "3");
        try {
            assertEquals("3", kc.deviceAuthorization(kc.shortDeviceClient(), OFFLINE_SCOPE).get("interval"));
        } finally {
            kc.setClientAttribute(kc.shortDeviceClient(), "oauth2.device.polling.interval", null);
        }
        assertEquals(String.valueOf(kc.devicePollingInterval().getSeconds()),
                kc.deviceAuthorization(kc.shortDeviceClient(), OFFLINE_SCOPE).get("interval"));
    }

    @Test
    public void introspectionTellsLiveFromDeadTokens() throws Exception {
        assertFalse(kc.introspect("not-a-token"));
        Keycloak.Reply tokens = obtain(kc.deviceClient(), "fax@mfp.test", ONLINE_SCOPE);
        assertTrue(kc.introspect(tokens.get("access_token")));
        assertEquals(kc.deviceClient(), kc.introspection(tokens.get("access_token")).get("client_id"));
        kc.logoutUser("fax@mfp.test");
        assertFalse(kc.introspect(tokens.get("access_token")));
    }
}
