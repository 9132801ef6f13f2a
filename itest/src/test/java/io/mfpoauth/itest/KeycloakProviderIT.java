package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Dictionary;
import java.util.Hashtable;

import javax.inject.Inject;

import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The token lifecycle against a real authorization server: Keycloak with the device grant (started by
 * {@code itest/keycloak/keycloak.sh} around the integration tests), reached through the image's generic provider,
 * configured as a firmware configuration would configure it. The administrator's sign-in at the verification
 * page is done as a person would, with the login and consent forms.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeycloakProviderIT {
    /** Short enough that a renewal happens within the test: renewed at three quarters of it (15 s). */
    private static final int ACCESS_TOKEN_SECONDS = 20;

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configAdmin;

    private Keycloak keycloak;
    private String scanner;
    private String fax;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(KeycloakProviderIT.class));
    }

    @Before
    public void setUp() throws Exception {
        Assume.assumeFalse("Keycloak skipped (-Dkeycloak.skip=true)", Keycloak.skipped());
        keycloak = Keycloak.fromSystemProperty();
        scanner = keycloak.users().get(0);
        fax = keycloak.users().get(1);
        keycloak.setClientAttribute(keycloak.deviceClient(), "access.token.lifespan", String.valueOf(ACCESS_TOKEN_SECONDS));
        configure("keycloak", keycloak.deviceClient());
        configure("keycloak-short", keycloak.shortDeviceClient());
        long deadline = System.currentTimeMillis() + 15_000;
        while (tokens().providers().stream().filter(p -> p.id.startsWith("keycloak")).count() < 2) {
            if (System.currentTimeMillis() > deadline) {
                fail("the generic providers did not come up: " + tokens().providers());
            }
            Thread.sleep(50);
        }
    }

    @After
    public void tearDown() throws Exception {
        if (keycloak == null) {
            return;
        }
        keycloak.setClientAttribute(keycloak.deviceClient(), "access.token.lifespan", null);
        for (org.osgi.service.cm.Configuration c : configAdmin.listConfigurations("(service.factoryPid=io.mfpoauth.provider.oidc)")) {
            c.delete();
        }
    }

    /** A generic provider as the firmware's configuration folder would hold it (conf/io.mfpoauth.provider.oidc-*.cfg). */
    private void configure(String id, String clientId) throws Exception {
        configAdmin.getFactoryConfiguration("io.mfpoauth.provider.oidc", id, "?")
                .update(keycloak.providerConfiguration(id, clientId));
    }

    private TokenService tokens() throws InterruptedException {
        ServiceTracker<TokenService, TokenService> t = new ServiceTracker<>(context, TokenService.class, null);
        t.open();
        try {
            TokenService s = t.waitForService(15_000);
            assertNotNull(s);
            return s;
        } finally {
            t.close();
        }
    }

    private TokenStatus await(Slot slot, TokenState state, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            TokenStatus s = tokens().status(slot);
            if (s.state == state) {
                return s;
            }
            Thread.sleep(100);
        }
        fail(slot + " did not reach " + state + " in " + millis + " ms: " + tokens().status(slot));
        return null;
    }

    /** Get Token, then the administrator signs in at the verification page and consents. */
    private TokenStatus getToken(Slot slot, String providerId, String user) throws Exception {
        assertEquals(TokenState.NOT_RETRIEVED, tokens().status(slot).state);
        TokenStatus awaiting = tokens().startRetrieval(slot, providerId, user);
        assertEquals(TokenState.AWAITING_AUTHORIZATION, awaiting.state);
        assertNotNull("the user code is shown", awaiting.authorization.userCode);
        assertNotNull(awaiting.authorization.verificationUriComplete);
        DeviceApproval.approve(awaiting.authorization.verificationUriComplete, user, keycloak.password());
        return await(slot, TokenState.RETRIEVED, 20_000);
    }

    @Test
    public void retrievedRenewedSilentlyRotatedAcrossARestartThenInvalidWhenTheSessionsAreRevoked() throws Exception {
        assertEquals("keycloak", tokens().proposeProvider("smtp.mfp.test"));
        TokenStatus retrieved = getToken(Slot.smtp(), "keycloak", scanner);
        assertEquals(scanner, retrieved.account);
        AccessToken first = tokens().accessToken(Slot.smtp());
        assertTrue("the access token is the mailbox's", keycloak.introspect(first.value()));

        // Renewed in the background at three quarters of its 20 s life, without anyone asking.
        long deadline = System.currentTimeMillis() + (ACCESS_TOKEN_SECONDS + 10) * 1000L;
        AccessToken renewed = first;
        while (renewed.value().equals(first.value()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            renewed = tokens().accessToken(Slot.smtp());
        }
        assertNotEquals("renewed silently", first.value(), renewed.value());
        assertEquals(TokenState.RETRIEVED, tokens().status(Slot.smtp()).state);
        assertTrue(tokens().status(Slot.smtp()).error == null);

        // The rotated refresh token was stored: after a restart of the token service it still renews.
        Bundle service = bundle("io.mfpoauth.token.service");
        service.stop();
        service.start();
        assertEquals(TokenState.RETRIEVED, tokens().status(Slot.smtp()).state);
        AccessToken afterRestart = tokens().rejected(tokens().accessToken(Slot.smtp()));
        assertTrue(keycloak.introspect(afterRestart.value()));

        // The account's sessions are revoked at the provider: the next renewal (due within 15 s) makes the
        // token Invalid, with the provider's reason.
        keycloak.logoutUser(scanner);
        TokenStatus invalid = await(Slot.smtp(), TokenState.INVALID, (ACCESS_TOKEN_SECONDS + 10) * 1000L);
        assertEquals("invalid_grant", invalid.error.code);
        try {
            tokens().accessToken(Slot.smtp());
            fail("an Invalid token is not handed out");
        } catch (TokenException e) {
            assertEquals(TokenException.INVALID, e.code());
        }

        assertEquals(TokenState.NOT_RETRIEVED, tokens().delete(Slot.smtp()).state);
    }

    @Test
    public void deleteRevokesTheRefreshTokenAtTheProvider() throws Exception {
        Slot pop = Slot.pop("keycloak");
        getToken(pop, "keycloak", fax);
        assertTrue(keycloak.offlineSessions(fax, keycloak.deviceClient()) > 0);

        assertEquals(TokenState.NOT_RETRIEVED, tokens().delete(pop).state);

        long deadline = System.currentTimeMillis() + 10_000;
        while (keycloak.offlineSessions(fax, keycloak.deviceClient()) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("the offline session is gone at Keycloak", 0, keycloak.offlineSessions(fax, keycloak.deviceClient()));
    }

    @Test
    public void aDeniedApprovalEndsWithAClearError() throws Exception {
        Slot pop = Slot.pop("denied");
        keycloak.revokeConsent(fax, keycloak.deviceClient()); // so the consent page is asked again
        TokenStatus awaiting = tokens().startRetrieval(pop, "keycloak", fax);

        DeviceApproval.deny(awaiting.authorization.verificationUriComplete, fax, keycloak.password());

        TokenStatus ended = await(pop, TokenState.NOT_RETRIEVED, 15_000);
        assertEquals("access_denied", ended.error.code);
        assertTrue(ended.error.message, ended.error.message.contains("declined"));
    }

    @Test
    public void anExpiredUserCodeEndsWithAClearError() throws Exception {
        Slot pop = Slot.pop("expired");
        tokens().startRetrieval(pop, "keycloak-short", fax);

        TokenStatus ended = await(pop, TokenState.NOT_RETRIEVED, keycloak.shortDeviceCodeLifespan().toMillis() + 15_000);
        assertEquals("expired_token", ended.error.code);
        assertTrue(ended.error.message, ended.error.message.contains("expired"));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
