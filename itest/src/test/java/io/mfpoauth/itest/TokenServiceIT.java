package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The token service in the firmware's Felix: providers arrive and leave live, every state change is an event,
 * and a retrieved token survives a restart of the token service bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenServiceIT {
    private static final long WAIT_MILLIS = 15_000;

    @Inject
    private BundleContext context;

    private DeviceFlowServer server;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Configuration
    public Option[] configuration() {
        // The test's authorization server uses the JDK's HTTP server, which the framework does not export by default.
        return options(FirmwareSupport.firmware(TokenServiceIT.class), systemPackages("com.sun.net.httpserver"));
    }

    @Before
    public void setUp() throws Exception {
        server = new DeviceFlowServer();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, TokenEvents.TOPIC);
        registrations.add(context.registerService(EventHandler.class, events::add, props));
    }

    @After
    public void tearDown() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone
            }
        });
        server.close();
    }

    private ServiceRegistration<OAuthProvider> registerProvider(String id) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OAuthProvider.ID_PROPERTY, id);
        ServiceRegistration<OAuthProvider> r = context.registerService(OAuthProvider.class, new ItestProvider(id, server), props);
        registrations.add(r);
        return r;
    }

    private TokenService tokens() throws InterruptedException {
        ServiceTracker<TokenService, TokenService> tracker = new ServiceTracker<>(context, TokenService.class, null);
        tracker.open();
        try {
            TokenService service = tracker.waitForService(WAIT_MILLIS);
            assertNotNull("TokenService registered", service);
            return service;
        } finally {
            tracker.close();
        }
    }

    /** The next event of {@code slot}, skipping others. */
    private Event nextEvent(String slot) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Event e = events.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (e != null && slot.equals(e.getProperty(TokenEvents.SLOT))) {
                return e;
            }
        }
        fail("No event for " + slot + " within " + WAIT_MILLIS + " ms");
        return null;
    }

    private Event nextEventInState(String slot, TokenState state) throws InterruptedException {
        while (true) {
            Event e = nextEvent(slot);
            if (state.name().equals(e.getProperty(TokenEvents.STATE))) {
                return e;
            }
        }
    }

    private static void assertNoSecret(Event e, String... secrets) {
        for (String name : e.getPropertyNames()) {
            String text = String.valueOf(e.getProperty(name));
            for (String secret : secrets) {
                assertFalse("event property " + name + " holds a token", text.contains(secret));
            }
        }
    }

    @Test
    public void providersArriveAndLeaveWithoutRestartingTheService() throws Exception {
        TokenService service = tokens();
        ServiceRegistration<OAuthProvider> r = registerProvider("itest-live");
        assertTrue(service.providers().stream().anyMatch(p -> p.id.equals("itest-live")));
        ProviderDTO dto = service.providers().stream().filter(p -> p.id.equals("itest-live")).findFirst().get();
        assertEquals(List.of("mail.example.test"), dto.hosts);

        r.unregister();
        assertFalse(service.providers().stream().anyMatch(p -> p.id.equals("itest-live")));
        assertTrue("the same service object serves on", service == tokens());
    }

    @Test
    public void everyStateChangeIsPostedAsAnEventWithoutTheToken() throws Exception {
        TokenService service = tokens();
        registerProvider("itest-events");
        Slot slot = Slot.pop("events");

        TokenStatus awaiting = service.startRetrieval(slot, "itest-events", "fax@example.test");
        assertEquals(TokenState.AWAITING_AUTHORIZATION, awaiting.state);
        assertEquals("ITST-CODE", awaiting.authorization.userCode);
        Event e1 = nextEventInState(slot.name(), TokenState.AWAITING_AUTHORIZATION);
        assertEquals("itest-events", e1.getProperty(TokenEvents.PROVIDER));
        assertEquals("fax@example.test", e1.getProperty(TokenEvents.ACCOUNT));

        server.approve();
        Event e2 = nextEventInState(slot.name(), TokenState.RETRIEVED);
        AccessToken token = service.accessToken(slot);
        assertEquals(TokenState.RETRIEVED, ((TokenStatus) e2.getProperty(TokenEvents.STATUS)).state);

        server.revokeAll();
        try {
            service.rejected(token);
            fail("a revoked grant cannot give a new token");
        } catch (TokenException expected) {
            assertEquals("invalid_grant", expected.code());
        }
        Event e3 = nextEventInState(slot.name(), TokenState.INVALID);
        assertEquals("invalid_grant", e3.getProperty(TokenEvents.ERROR_CODE));

        service.delete(slot);
        Event e4 = nextEventInState(slot.name(), TokenState.NOT_RETRIEVED);
        assertNull(e4.getProperty(TokenEvents.PROVIDER));
        for (Event e : List.of(e1, e2, e3, e4)) {
            assertNoSecret(e, token.value());
        }
        assertEquals(TokenState.NOT_RETRIEVED, service.status(slot).state);
    }

    @Test
    public void aRetrievedTokenSurvivesAStopAndStartOfTheTokenServiceBundle() throws Exception {
        registerProvider("itest-restart");
        TokenService service = tokens();
        service.startRetrieval(Slot.smtp(), "itest-restart", "scanner@example.test");
        server.approve();
        nextEventInState("smtp", TokenState.RETRIEVED);
        String before = service.accessToken(Slot.smtp()).value();
        int requests = server.tokenRequests.get();

        Bundle bundle = tokenServiceBundle();
        bundle.stop();
        assertEquals(Bundle.RESOLVED, bundle.getState());
        // Every thread and timer of the token service ends with its bundle.
        long deadline = System.currentTimeMillis() + 5_000;
        while (!serviceThreads().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("threads left after the bundle stopped", List.of(), serviceThreads());
        bundle.start();

        TokenService restarted = tokens();
        assertTrue("a new service object after the restart", restarted != service);
        assertEquals(TokenState.RETRIEVED, restarted.status(Slot.smtp()).state);
        assertEquals(before, restarted.accessToken(Slot.smtp()).value());
        assertEquals("no request to the provider was needed", requests, server.tokenRequests.get());
        restarted.delete(Slot.smtp());
    }

    private static List<String> serviceThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("mfpoauth-token-") || t.getName().startsWith("mfpoauth-http-")
                    || t.getName().startsWith("mfpoauth-redirect"))) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private Bundle tokenServiceBundle() {
        for (Bundle b : context.getBundles()) {
            if ("io.mfpoauth.token.service".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("io.mfpoauth.token.service is not installed");
    }
}
