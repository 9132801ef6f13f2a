package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import java.util.Dictionary;
import java.util.Hashtable;

import javax.inject.Inject;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The Microsoft 365 provider bundle of the image, configured through ConfigAdmin as the firmware's configuration
 * does, with its authority pointed at a server that answers in Microsoft's documented shapes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MicrosoftProviderIT {
    private static final long WAIT_MILLIS = 15_000;

    @Inject
    private TokenService tokens;

    @Inject
    private ConfigurationAdmin configAdmin;

    private MicrosoftLikeServer server;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(MicrosoftProviderIT.class), systemPackages("com.sun.net.httpserver"));
    }

    @Before
    public void setUp() throws Exception {
        server = new MicrosoftLikeServer();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("clientId", "11111111-2222-3333-4444-555555555555");
        props.put("tenant", "contoso.example");
        props.put("authority", server.uri("").toString());
        configAdmin.getConfiguration("io.mfpoauth.provider.microsoft", "?").update(props);
        // The provider reads its new settings in place (@Modified); wait until Get Token reaches the server.
        awaitAuthority();
    }

    @After
    public void tearDown() throws Exception {
        tokens.delete(Slot.smtp());
        configAdmin.getConfiguration("io.mfpoauth.provider.microsoft", "?").delete();
        server.close();
    }

    private void awaitAuthority() throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try {
                tokens.startRetrieval(Slot.pop("probe"), "microsoft", "probe@contoso.example");
                tokens.delete(Slot.pop("probe"));
                return;
            } catch (TokenException e) {
                Thread.sleep(100);
            }
        }
        fail("The Microsoft provider did not take its configuration");
    }

    private TokenStatus awaitState(Slot slot, TokenState state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            TokenStatus s = tokens.status(slot);
            if (s.state == state) {
                return s;
            }
            Thread.sleep(50);
        }
        fail(slot + " did not reach " + state + ": " + tokens.status(slot));
        return null;
    }

    @Test
    public void deviceCodeSignInRenewalAndAnInactivityExpiry() throws Exception {
        assertEquals("microsoft", tokens.proposeProvider("smtp.office365.com"));

        TokenStatus awaiting = tokens.startRetrieval(Slot.smtp(), "microsoft", "scanner@contoso.example");

        assertEquals(TokenState.AWAITING_AUTHORIZATION, awaiting.state);
        assertEquals("FJ7KQ2ZXB", awaiting.authorization.userCode);
        assertEquals("https://microsoft.com/devicelogin", awaiting.authorization.verificationUri);
        assertNull("Microsoft gives no complete address", awaiting.authorization.verificationUriComplete);
        assertTrue(awaiting.authorization.message.contains("FJ7KQ2ZXB"));
        assertEquals("https://outlook.office.com/SMTP.Send offline_access",
                server.deviceCodeRequests.get(server.deviceCodeRequests.size() - 1).get("scope"));

        Thread.sleep(1500); // at least one authorization_pending with its AADSTS70016 text
        assertEquals(TokenState.AWAITING_AUTHORIZATION, tokens.status(Slot.smtp()).state);
        server.approve();
        awaitState(Slot.smtp(), TokenState.RETRIEVED);
        AccessToken first = tokens.accessToken(Slot.smtp());
        assertEquals("scanner@contoso.example", first.account());

        AccessToken second = tokens.rejected(first); // a mail server refused it: one forced refresh
        assertTrue(!second.value().equals(first.value()));
        assertEquals("refresh_token", server.tokenRequests.get(server.tokenRequests.size() - 1).get("grant_type"));
        try {
            tokens.rejected(second);
            fail("a fresh token refused again is reported, not refreshed again");
        } catch (TokenException e) {
            assertEquals("rejected_by_server", e.code());
        }
        assertEquals(TokenState.RETRIEVED, tokens.status(Slot.smtp()).state);
    }

    @Test
    public void aRefreshTokenExpiredByInactivityMakesTheTokenInvalidWithMicrosoftsReason() throws Exception {
        tokens.startRetrieval(Slot.smtp(), "microsoft", "scanner@contoso.example");
        server.approve();
        awaitState(Slot.smtp(), TokenState.RETRIEVED);
        server.refreshError = 700082L;

        try {
            tokens.rejected(tokens.accessToken(Slot.smtp()));
            fail("an expired grant gives no token");
        } catch (TokenException e) {
            assertEquals("invalid_grant", e.code());
        }
        TokenStatus invalid = tokens.status(Slot.smtp());
        assertEquals(TokenState.INVALID, invalid.state);
        assertTrue(invalid.error.message, invalid.error.message.contains("90 days"));
        assertTrue(invalid.error.message.contains("AADSTS700082"));
    }

    @Test
    public void publicClientFlowsOffIsAConfigurationErrorThatChangesNothing() throws Exception {
        server.deviceCodeError = 7000218L;
        try {
            tokens.startRetrieval(Slot.smtp(), "microsoft", "scanner@contoso.example");
            fail("the device code request is refused");
        } catch (TokenException e) {
            assertEquals("invalid_client", e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("Allow public client flows"));
            assertTrue(!e.retryable());
        }
        TokenStatus s = tokens.status(Slot.smtp());
        assertEquals(TokenState.NOT_RETRIEVED, s.state);
        assertNotNull(s.error);
        assertEquals("invalid_client", s.error.code);
    }
}
