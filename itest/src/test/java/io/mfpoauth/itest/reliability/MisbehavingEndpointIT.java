package io.mfpoauth.itest.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.reliability.MisbehavingTokenServer.Fault;
import io.mfpoauth.itest.reliability.MisbehavingTokenServer.FaultyConnection;
import io.mfpoauth.itest.ItestProvider;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.spi.OAuthProvider;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * R2: the token endpoint misbehaves while a slot holds a token, and the real token service in the firmware's Felix
 * rides it out. For each fault (no answer, a reset, 500, 503 with Retry-After, 429 with and without it, an HTML
 * page, cut-off JSON, a 10 MB body, a body that trickles forever) the slot must stay {@code RETRIEVED} in its
 * status and in every event, show a transient error with the fault's code and a message free of tokens, retry by
 * itself (never sooner than a Retry-After), keep the heap bounded (the 10 MB and trickling bodies are cut off by
 * the service's size limit and request timeout), and renew with a new token as soon as the endpoint answers
 * properly again. The provider's real verdict ({@code invalid_grant} in a proper JSON error) is the one answer
 * that makes the slot {@code INVALID}: the last case shows the test can see that.
 *
 * <p>The endpoint is a raw loopback socket ({@link MisbehavingTokenServer}); retries are made fast through the
 * token service's own settings (first retry 1 s, at most 2 s; 2 s request timeout) and tokens live 4 s; the
 * Retry-After cases ask for 5 s, longer than any other wait, so their gaps show the header was honoured. Runs in
 * about a minute and a half. {@code -Dreliability.long=true} repeats each fault for more retries (6 instead of 2).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MisbehavingEndpointIT {
    private static final long LIFETIME_SECONDS = 4;
    private static final int REQUEST_TIMEOUT_SECONDS = 2;
    /**
     * Longer than anything else could make the device wait (the retry backoff is at most 2.4 s, and the token
     * falls due 3 s after it was issued), so an attempt no sooner than this shows the header was honoured.
     */
    private static final int RETRY_AFTER_SECONDS = 5;
    /** Generous: a retry is due within 2.4 s (2 s and 20% jitter), a hanging attempt takes 2 s more. */
    private static final long RECOVERY_MILLIS = 20_000;
    private static final int FAULTY_ATTEMPTS = Boolean.getBoolean("reliability.long") ? 6 : 2;
    /** The heap may hold a 64 KiB answer per exchange and its parsing; a 10 MB body held whole would exceed this. */
    private static final long HEAP_SLACK_BYTES = 8L * 1024 * 1024;

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configAdmin;

    private TokenService tokens;
    private MisbehavingTokenServer server;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(MisbehavingEndpointIT.class));
    }

    @Before
    public void setUp() throws Exception {
        server = new MisbehavingTokenServer(true);
        server.lifetimeSeconds = LIFETIME_SECONDS;
        server.retryAfterSeconds = RETRY_AFTER_SECONDS;
        tokens = EndpointTuning.configure(context, configAdmin, Map.of(
                "retryMinSeconds", 1,
                "retryMaxSeconds", 2,
                "requestTimeoutSeconds", REQUEST_TIMEOUT_SECONDS,
                "connectTimeoutSeconds", 2,
                "maxResponseKilobytes", 64));
        Dictionary<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, TokenEvents.TOPIC);
        registrations.add(context.registerService(EventHandler.class, events::add, topic));
    }

    @After
    public void tearDown() throws Exception {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone
            }
        }
        // the settings stay for the next test (the same for all): the framework is this class's alone
        server.close();
    }

    @Test
    public void noAnswerAtAll() throws Exception {
        rideOut(Fault.TIMEOUT, TokenError.NETWORK);
    }

    @Test
    public void connectionReset() throws Exception {
        rideOut(Fault.RESET, TokenError.NETWORK);
    }

    @Test
    public void internalServerError() throws Exception {
        rideOut(Fault.STATUS_500, TokenError.SERVER_ERROR);
    }

    @Test
    public void unavailableWithRetryAfter() throws Exception {
        List<FaultyConnection> attempts = rideOut(Fault.STATUS_503_RETRY_AFTER, TokenError.SERVER_ERROR);
        assertNoSoonerThanRetryAfter(attempts);
    }

    @Test
    public void tooManyRequests() throws Exception {
        rideOut(Fault.STATUS_429, TokenError.RATE_LIMITED);
    }

    @Test
    public void tooManyRequestsWithRetryAfter() throws Exception {
        List<FaultyConnection> attempts = rideOut(Fault.STATUS_429_RETRY_AFTER, TokenError.RATE_LIMITED);
        assertNoSoonerThanRetryAfter(attempts);
    }

    @Test
    public void htmlPageWithStatus200() throws Exception {
        rideOut(Fault.HTML_200, TokenError.MALFORMED_RESPONSE);
    }

    @Test
    public void invalidJson() throws Exception {
        rideOut(Fault.INVALID_JSON, TokenError.MALFORMED_RESPONSE);
    }

    @Test
    public void tenMegabyteBody() throws Exception {
        List<FaultyConnection> attempts = rideOut(Fault.HUGE_BODY, TokenError.MALFORMED_RESPONSE);
        for (FaultyConnection c : ended(attempts)) {
            assertTrue("the client hung up long before 10 MB (it read " + c.bytesWritten() + " bytes)",
                    c.bytesWritten() < MisbehavingTokenServer.HUGE_BYTES);
        }
    }

    @Test
    public void bodyThatTricklesForever() throws Exception {
        List<FaultyConnection> attempts = rideOut(Fault.TRICKLE, TokenError.NETWORK);
        for (FaultyConnection c : ended(attempts)) {
            // the request timeout covers the body too: the client leaves after about 2 s, not never
            assertTrue("the client left the trickling body after " + c.heldMillis() + " ms",
                    c.heldMillis() < REQUEST_TIMEOUT_SECONDS * 1000L + 5_000);
        }
    }

    /** Each attempt's start after the first, and what the server wrote and how long the client stayed. */
    private static String describe(List<FaultyConnection> attempts) {
        StringBuilder b = new StringBuilder();
        for (FaultyConnection c : attempts) {
            b.append(b.length() == 0 ? "[" : ", ")
                    .append("+").append((c.receivedNanos - attempts.get(0).receivedNanos) / 1_000_000).append(" ms")
                    .append(c.ended() ? " (" + c.bytesWritten() + " bytes, held " + c.heldMillis() + " ms)" : " (open)");
        }
        return b.append("]").toString();
    }

    /** The attempts once each has ended: the client hangs up on a fault within its request timeout. */
    private static List<FaultyConnection> ended(List<FaultyConnection> attempts) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RECOVERY_MILLIS;
        while (!attempts.stream().allMatch(FaultyConnection::ended)) {
            if (System.currentTimeMillis() > deadline) {
                fail("the client still holds a faulty connection " + RECOVERY_MILLIS + " ms later");
            }
            Thread.sleep(50);
        }
        return attempts;
    }

    /** The control: the provider's verdict, in a proper JSON error, is what makes a slot Invalid. */
    @Test
    public void theProvidersVerdictMakesItInvalid() throws Exception {
        Slot slot = Slot.pop("verdict");
        AccessToken first = retrieve(slot, "verdict");
        server.fault = Fault.INVALID_GRANT;
        try {
            tokens.rejected(first);
            fail("a refused grant gives no token");
        } catch (TokenException e) {
            assertEquals("invalid_grant", e.code());
            assertFalse(e.retryable());
        }
        TokenStatus status = tokens.status(slot);
        assertEquals(TokenState.INVALID, status.state);
        assertEquals("invalid_grant", status.error.code);
        awaitEventOf(slot, status.revision);
        assertTrue("the INVALID state was posted", eventsOf(slot).stream()
                .anyMatch(e -> TokenState.INVALID.name().equals(e.getProperty(TokenEvents.STATE))));
        tokens.delete(slot);
    }

    /**
     * Gets a token, turns the fault on, forces a renewal and lets the background retries meet the fault
     * {@link #FAULTY_ATTEMPTS} times, then turns it off and waits for the renewal. Returns the faulty attempts.
     */
    private List<FaultyConnection> rideOut(Fault fault, String expectedCode) throws Exception {
        String name = fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Slot slot = Slot.pop(name);
        AccessToken before = retrieve(slot, name);
        long baselineHeap = usedHeapAfterGc();
        long worstHeap = baselineHeap;

        server.fault = fault;
        int faultyBefore = server.faultyConnections().size();
        try {
            AccessToken renewed = tokens.rejected(before);
            fail("a renewal against " + fault + " gave a token: " + renewed);
        } catch (TokenException e) {
            assertTrue(fault + " is transient: " + e.code() + " " + e.getMessage(), e.retryable());
            assertEquals(expectedCode, e.code());
            assertNoToken("the exception's message", e.getMessage());
        }
        // The background retries: each one fails alike and leaves the state as it was.
        long deadline = System.currentTimeMillis() + RECOVERY_MILLIS * FAULTY_ATTEMPTS;
        while (server.faultyConnections().size() - faultyBefore < FAULTY_ATTEMPTS) {
            if (System.currentTimeMillis() > deadline) {
                fail("the token service did not retry by itself: " + (server.faultyConnections().size() - faultyBefore)
                        + " attempts against " + fault);
            }
            assertTransient(tokens.status(slot), expectedCode);
            askForToken(slot, before);
            worstHeap = Math.max(worstHeap, usedHeapAfterGc());
            Thread.sleep(200);
        }
        TokenStatus during = tokens.status(slot);
        assertTransient(during, expectedCode);
        assertTrue("the heap stayed bounded: " + baselineHeap / 1024 + " KiB before, up to " + worstHeap / 1024
                + " KiB during " + fault, worstHeap - baselineHeap < HEAP_SLACK_BYTES);

        server.fault = Fault.NONE;
        TokenStatus recovered = awaitRenewedSince(slot, during);
        assertEquals(TokenState.RETRIEVED, recovered.state);
        assertNull("the error is gone once the provider answers: " + recovered.error, recovered.error);
        AccessToken after = tokens.accessToken(slot);
        assertNotEquals("a new token after the fault", before.value(), after.value());
        assertTrue("the new token is one the provider issued", server.issued().contains(after.value()));

        awaitEventOf(slot, recovered.revision);
        for (Event e : eventsOf(slot)) {
            assertNotEquals("no event says INVALID during " + fault, TokenState.INVALID.name(),
                    e.getProperty(TokenEvents.STATE));
            for (String property : e.getPropertyNames()) {
                assertNoToken("event property " + property, String.valueOf(e.getProperty(property)));
            }
            TokenStatus s = (TokenStatus) e.getProperty(TokenEvents.STATUS);
            if (s.error != null) {
                assertNoToken("an event's error message", s.error.message);
            }
        }
        tokens.delete(slot);
        List<FaultyConnection> attempts = server.faultyConnections().subList(faultyBefore,
                server.faultyConnections().size());
        System.out.println("R2 " + fault + ": " + attempts.size() + " faulty attempts, error " + during.error.code
                + " \"" + during.error.message + "\"; heap after GC " + baselineHeap / 1024 + " KiB before, at most "
                + worstHeap / 1024 + " KiB during; renewed " + (recovered.revision - during.revision)
                + " status change(s) after the endpoint recovered; attempts " + describe(attempts));
        return attempts;
    }

    /** Get Token on {@code slot} with a provider of its own on the server; the server approves at once. */
    private AccessToken retrieve(Slot slot, String providerId) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OAuthProvider.ID_PROPERTY, providerId);
        registrations.add(context.registerService(OAuthProvider.class, new ItestProvider(providerId, server.endpoints()),
                props));
        server.fault = Fault.NONE;
        tokens.startRetrieval(slot, providerId, "scanner@example.test");
        long deadline = System.currentTimeMillis() + RECOVERY_MILLIS;
        while (tokens.status(slot).state != TokenState.RETRIEVED) {
            if (System.currentTimeMillis() > deadline) {
                fail(slot + " was not retrieved: " + tokens.status(slot));
            }
            Thread.sleep(50);
        }
        AccessToken token = tokens.accessToken(slot);
        assertTrue(server.issued().contains(token.value()));
        return token;
    }

    /** A mail job asking for the token during the fault: the old one while it lasts, else a transient refusal. */
    private void askForToken(Slot slot, AccessToken old) {
        try {
            AccessToken t = tokens.accessToken(slot);
            assertEquals("only the old token can be handed out while the endpoint misbehaves", old.value(), t.value());
        } catch (TokenException e) {
            assertTrue("a transient refusal: " + e.code(), e.retryable());
            assertNoToken("the exception's message", e.getMessage());
        }
    }

    private TokenStatus awaitRenewedSince(Slot slot, TokenStatus during) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RECOVERY_MILLIS;
        while (true) {
            TokenStatus s = tokens.status(slot);
            assertNotEquals(TokenState.INVALID, s.state);
            if (s.state == TokenState.RETRIEVED && s.error == null && s.expiresAt != during.expiresAt) {
                return s;
            }
            if (System.currentTimeMillis() > deadline) {
                fail(slot + " did not recover within " + RECOVERY_MILLIS + " ms of the endpoint's: "
                        + (s.error == null ? "no error" : s.error.code));
            }
            Thread.sleep(50);
        }
    }

    private void assertTransient(TokenStatus s, String expectedCode) {
        assertEquals("the slot is never wrongly Invalid", TokenState.RETRIEVED, s.state);
        if (s.error != null) {
            assertEquals(expectedCode, s.error.code);
            assertTrue("a transient error: " + s.error.code, s.error.retryable);
            assertNotNull(s.error.message);
            assertFalse(s.error.message.isBlank());
            assertNoToken("the status's error message", s.error.message);
        }
    }

    /** Every Retry-After wait was honoured: no attempt came sooner after the previous one. */
    private static void assertNoSoonerThanRetryAfter(List<FaultyConnection> attempts) {
        for (int i = 1; i < attempts.size(); i++) {
            long gapMillis = (attempts.get(i).receivedNanos - attempts.get(i - 1).receivedNanos) / 1_000_000;
            // a small allowance for where the two clocks are read
            assertTrue("attempt " + (i + 1) + " came " + gapMillis + " ms after the one that said Retry-After: "
                    + RETRY_AFTER_SECONDS, gapMillis >= RETRY_AFTER_SECONDS * 1000L - 100);
        }
    }

    private void assertNoToken(String where, String text) {
        if (text == null) {
            return;
        }
        for (String token : server.issued()) {
            assertFalse(where + " holds a token", text.contains(token));
        }
    }

    /** EventAdmin delivers asynchronously: waits for the event of the status with this revision. */
    private void awaitEventOf(Slot slot, long revision) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RECOVERY_MILLIS;
        while (eventsOf(slot).stream()
                .noneMatch(e -> ((TokenStatus) e.getProperty(TokenEvents.STATUS)).revision >= revision)) {
            if (System.currentTimeMillis() > deadline) {
                fail("no event for revision " + revision + " of " + slot);
            }
            Thread.sleep(20);
        }
    }

    private List<Event> eventsOf(Slot slot) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (slot.name().equals(e.getProperty(TokenEvents.SLOT))) {
                out.add(e);
            }
        }
        return out;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(20);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
