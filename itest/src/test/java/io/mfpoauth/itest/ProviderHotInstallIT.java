package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javax.inject.Inject;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateAgent;

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
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * A firmware update adds the Google provider to a running device and takes it away again, as the manual's
 * administrator would never notice: a refresh in flight completes, nothing else restarts, and a sign-in that was
 * using the removed provider ends cleanly.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProviderHotInstallIT {
    private static final String GOOGLE = "io.mfpoauth.provider.google";

    @Inject
    private BundleContext context;
    @Inject
    private TokenService tokens;
    @Inject
    private UpdateAgent agent;
    @Inject
    private ConfigurationAdmin configAdmin;
    @Inject
    private ServiceComponentRuntime scr;

    private DeviceFlowServer server;
    private ServiceRegistration<OAuthProvider> registration;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmwareWithout(ProviderHotInstallIT.class, GOOGLE),
                systemPackages("com.sun.net.httpserver"));
    }

    @Before
    public void setUp() throws Exception {
        server = new DeviceFlowServer();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OAuthProvider.ID_PROPERTY, "itest-hot");
        registration = context.registerService(OAuthProvider.class, new ItestProvider("itest-hot", server), props);
    }

    @After
    public void tearDown() {
        registration.unregister();
        server.close();
    }

    /** Every bundle's id and state, and the id of every active component configuration. */
    private Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (!b.getSymbolicName().startsWith("PAXEXAM") && !b.getSymbolicName().equals(GOOGLE)) {
                out.put(b.getSymbolicName(), b.getBundleId() + "/" + b.getState());
            }
        }
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.bundle.symbolicName.equals(GOOGLE)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                out.put("component " + d.name + " #" + c.id, String.valueOf(c.state));
            }
        }
        return out;
    }

    private static Path googleArchive() throws Exception {
        Path archives = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "archives");
        try (Stream<Path> files = Files.list(archives)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith("provider-google-")).toList();
            assertEquals("one Google archive in " + archives, 1, found.size());
            return found.get(0);
        }
    }

    private TokenStatus await(Slot slot, TokenState state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            TokenStatus s = tokens.status(slot);
            if (s.state == state) {
                return s;
            }
            Thread.sleep(20);
        }
        fail(slot + " did not reach " + state + ": " + tokens.status(slot));
        return null;
    }

    private boolean redirectListenerRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("mfpoauth-redirect"));
    }

    @Test
    public void theGoogleProviderArrivesAndLeavesWithoutRestartingAnything() throws Exception {
        assertFalse(tokens.providers().stream().anyMatch(p -> p.id.equals("google")));
        tokens.startRetrieval(Slot.smtp(), "itest-hot", "scanner@example.test");
        server.approve();
        await(Slot.smtp(), TokenState.RETRIEVED);
        AccessToken before = tokens.accessToken(Slot.smtp());
        // The vendor's Google client id, as the firmware's configuration would carry it.
        Dictionary<String, Object> google = new Hashtable<>();
        google.put("clientId", "itest.apps.googleusercontent.com");
        configAdmin.getConfiguration("io.mfpoauth.provider.google", "?").update(google);
        Map<String, String> start = snapshot();

        // A refresh is in flight while the feature goes in.
        server.refreshDelayMillis = 1500;
        AtomicReference<Object> refreshed = new AtomicReference<>();
        Thread refresher = new Thread(() -> {
            try {
                refreshed.set(tokens.rejected(before));
            } catch (Exception e) {
                refreshed.set(e);
            }
        });
        refresher.start();
        Thread.sleep(300);
        long t0 = System.nanoTime();
        InstalledFeature feature = agent.install(googleArchive());
        while (tokens.providers().stream().noneMatch(p -> p.id.equals("google"))) {
            if (System.nanoTime() - t0 > 10_000_000_000L) {
                fail("the Google provider did not appear");
            }
            Thread.sleep(5);
        }
        long appearedMillis = (System.nanoTime() - t0) / 1_000_000;
        refresher.join(10_000);
        assertTrue("the refresh in flight completed: " + refreshed.get(), refreshed.get() instanceof AccessToken);
        assertNotEquals(before.value(), ((AccessToken) refreshed.get()).value());
        assertEquals("google", tokens.proposeProvider("smtp.gmail.com"));
        System.out.println("Google provider usable " + appearedMillis + " ms after the install call began");

        // A browser sign-in with Google is waiting when the feature goes out.
        TokenStatus awaiting = tokens.startRetrieval(Slot.pop("hot"), "google", "fax@example.test");
        assertTrue(awaiting.authorization.authorizationUrl.startsWith("https://accounts.google.com/o/oauth2/v2/auth?"));
        assertTrue(redirectListenerRunning());
        agent.remove(feature.id);

        TokenStatus ended = tokens.status(Slot.pop("hot"));
        assertEquals(TokenState.NOT_RETRIEVED, ended.state);
        assertEquals(TokenError.CANCELLED, ended.error.code);
        assertFalse(tokens.providers().stream().anyMatch(p -> p.id.equals("google")));
        assertNull(bundle(GOOGLE));
        long deadline = System.currentTimeMillis() + 5_000;
        while (redirectListenerRunning() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse("the loopback listener of the ended sign-in is gone", redirectListenerRunning());
        assertEquals("no other bundle or component changed", start, snapshot());
        assertEquals(TokenState.RETRIEVED, tokens.status(Slot.smtp()).state);
        configAdmin.getConfiguration("io.mfpoauth.provider.google", "?").delete();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
