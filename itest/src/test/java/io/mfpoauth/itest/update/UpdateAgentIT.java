package io.mfpoauth.itest.update;

import io.mfpoauth.itest.FirmwareSupport;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.update.FeatureBundle;
import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateAgent;
import io.mfpoauth.update.UpdateException;

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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The update agent in the firmware's Felix, started without one provider bundle: installing that provider's
 * feature archive (as the build made it) adds the provider live, and touches nothing else; removing it takes it
 * away as cleanly; an archive with a bundle that cannot resolve is refused and leaves the framework exactly as it
 * was; the console commands are registered.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpdateAgentIT {

    private static final long WAIT_MILLIS = 15_000;
    private static final String TOKEN_SERVICE_BUNDLE = "io.mfpoauth.token.service";

    @Inject
    private BundleContext context;

    @Inject
    private UpdateAgent agent;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private TokenService tokenService;

    /** Bundle events of the current test, in order, recorded synchronously. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final SynchronousBundleListener recorder = e -> events.add(e.getBundle().getSymbolicName() + " " + type(e));

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmwareWithout(UpdateAgentIT.class, UpdateSupport.Provider.choose().symbolicName()));
    }

    @Before
    public void settle() {
        await("every bundle ACTIVE", () -> Arrays.stream(context.getBundles())
                .allMatch(b -> isFragment(b) || b.getState() == Bundle.ACTIVE));
        await("the token service's components ACTIVE", () -> !components(TOKEN_SERVICE_BUNDLE).isEmpty()
                && components(TOKEN_SERVICE_BUNDLE).values().stream().allMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE));
        context.addBundleListener(recorder);
    }

    @After
    public void stopRecording() {
        context.removeBundleListener(recorder);
    }

    @Test
    public void installingAndRemovingAProviderTouchesNothingElse() throws Exception {
        UpdateSupport.Provider provider = UpdateSupport.Provider.choose();
        assertNull(provider.symbolicName() + " must not be in the test's firmware", find(provider.symbolicName()));
        Map<Long, String> bundlesBefore = bundles();
        Map<String, Long> tokenServiceBefore = componentIds(TOKEN_SERVICE_BUNDLE);

        InstalledFeature installed = agent.install(provider.archive());

        assertTrue("feature id " + installed.id, installed.id.contains(":" + provider.feature() + ":"));
        Bundle bundle = find(provider.symbolicName());
        assertNotNull(provider.symbolicName() + " is installed", bundle);
        assertEquals(provider.symbolicName() + " state", Bundle.ACTIVE, bundle.getState());
        FeatureBundle reported = only(installed.bundles);
        assertEquals(provider.symbolicName(), reported.symbolicName);
        assertEquals("ACTIVE", reported.state);
        assertEquals(bundle.getBundleId(), reported.bundleId);
        assertTrue("owned by the feature", reported.owned);
        assertEquals(List.of(installed.id), agent.features().stream().map(f -> f.id).toList());

        if (registersProviderWithoutConfiguration(bundle)) {
            await(provider.symbolicName() + " registers an OAuthProvider", () -> providerOf(bundle) != null);
            await("the token service offers the provider of " + provider.symbolicName(), () -> tokenService.providers()
                    .stream().anyMatch(p -> provider.symbolicName().equals(p.bundle)));
        }
        assertOthersUntouched(bundlesBefore, provider.symbolicName());
        assertEquals("the token service's component configurations (a new id = it was reactivated)",
                tokenServiceBefore, componentIds(TOKEN_SERVICE_BUNDLE));

        // The same feature at the same version again: nothing happens.
        events.clear();
        InstalledFeature again = agent.install(provider.archive());
        assertEquals(installed.id, again.id);
        assertEquals(bundle.getBundleId(), only(again.bundles).bundleId);
        assertEquals("bundle events of a repeated install", List.of(), events);

        events.clear();
        agent.remove(provider.feature());

        assertNull(provider.symbolicName() + " is uninstalled", find(provider.symbolicName()));
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertEquals(List.of(), agent.features());
        await("no OAuthProvider of " + provider.symbolicName() + " is left", () -> providerOf(bundle) == null);
        assertTrue("the token service no longer offers the provider", tokenService.providers().stream()
                .noneMatch(p -> provider.symbolicName().equals(p.bundle)));
        assertOthersUntouched(bundlesBefore, provider.symbolicName());
        assertEquals("the token service's component configurations", tokenServiceBefore, componentIds(TOKEN_SERVICE_BUNDLE));
    }

    @Test
    public void anArchiveThatCannotResolveIsRolledBack() throws Exception {
        Path folder = UpdateSupport.folder("unresolvable");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("feature.json", """
                {
                  "feature-resource-version": "1.0",
                  "id": "io.mfpoauth.itest:unresolvable:1.0.0",
                  "bundles": [
                    { "id": "io.mfpoauth.itest:harmless:1.0.0" },
                    { "id": "io.mfpoauth.itest:unresolvable:1.0.0" }
                  ],
                  "configurations": {
                    "io.mfpoauth.itest.update.probe": { "answer": 42 },
                    "io.mfpoauth.itest.update.factory~one": { "name": "one" }
                  }
                }
                """.getBytes(StandardCharsets.UTF_8));
        entries.put("bundles/harmless-1.0.0.jar", UpdateSupport.bundleJar("io.mfpoauth.itest.update.harmless", "1.0.0", null));
        entries.put("bundles/unresolvable-1.0.0.jar", UpdateSupport.bundleJar("io.mfpoauth.itest.update.unresolvable",
                "1.0.0", "io.mfpoauth.itest.nobody.exports.this"));
        Path archive = UpdateSupport.zip(folder.resolve("unresolvable-1.0.0.zip"), entries);

        Map<Long, String> bundlesBefore = bundles();
        Map<String, String> configurationsBefore = configurations();
        Map<String, Long> tokenServiceBefore = componentIds(TOKEN_SERVICE_BUNDLE);
        try {
            agent.install(archive);
            fail("An archive with a bundle that cannot resolve was installed");
        } catch (UpdateException e) {
            assertEquals("the bundle to blame", "io.mfpoauth.itest.update.unresolvable", e.bundle());
            assertTrue(e.getMessage(), e.getMessage().contains("io.mfpoauth.itest.update.unresolvable 1.0.0 cannot be resolved"));
            assertTrue("the resolver's reason: " + e.getMessage(), e.getMessage().contains("io.mfpoauth.itest.nobody.exports.this"));
        }
        assertEquals("bundles (id, name, version, state) after the rollback", bundlesBefore, bundles());
        assertEquals("configurations after the rollback", configurationsBefore, configurations());
        assertEquals(List.of(), agent.features());
        assertEquals("the token service's component configurations", tokenServiceBefore, componentIds(TOKEN_SERVICE_BUNDLE));
    }

    @Test
    public void aHostileArchiveIsRefusedBeforeAnythingChanges() throws Exception {
        Path folder = UpdateSupport.folder("hostile");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("feature.json", "{\"id\": \"io.mfpoauth.itest:hostile:1.0.0\", \"bundles\": []}"
                .getBytes(StandardCharsets.UTF_8));
        entries.put("bundles/../../../evil.jar", UpdateSupport.bundleJar("evil", "1.0.0", null));
        Path archive = UpdateSupport.zip(folder.resolve("hostile.zip"), entries);
        Map<Long, String> bundlesBefore = bundles();
        Map<String, String> configurationsBefore = configurations();
        try {
            agent.install(archive);
            fail("A zip-slip archive was installed");
        } catch (UpdateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("climbs out of the archive"));
        }
        try {
            agent.install(folder.resolve("nothing-here.zip"));
            fail("A missing archive was installed");
        } catch (UpdateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("There is no archive"));
        }
        assertEquals(bundlesBefore, bundles());
        assertEquals(configurationsBefore, configurations());
        assertEquals(List.of(), events);
    }

    @Test
    public void theConsoleCommandsAreRegistered() throws Exception {
        // The panel's commands share the scope mfp (admin.panel); these are the update agent's.
        ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                "(&(osgi.command.scope=mfp)(osgi.command.function=install))");
        assertNotNull("no service with osgi.command.scope=mfp and the function install", refs);
        assertEquals(1, refs.length);
        assertEquals("registered by", "io.mfpoauth.update.agent", refs[0].getBundle().getSymbolicName());
        Object functions = refs[0].getProperty("osgi.command.function");
        assertTrue("osgi.command.function is " + functions, functions instanceof String[]);
        String[] sorted = ((String[]) functions).clone();
        Arrays.sort(sorted);
        assertArrayEquals(new String[] {"features", "install", "remove"}, sorted);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Every bundle but {@code except}: the same ids, in the same state, and no bundle event for any of them. */
    private void assertOthersUntouched(Map<Long, String> before, String except) {
        Map<Long, String> now = bundles();
        now.values().removeIf(b -> b.startsWith(except + " "));
        assertEquals("the other bundles (id, name, version, state)", before, now);
        List<String> others = new ArrayList<>(events);
        others.removeIf(e -> e.startsWith(except + " "));
        assertEquals("bundle events of other bundles", List.of(), others);
    }

    private Map<Long, String> bundles() {
        Map<Long, String> bundles = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            bundles.put(b.getBundleId(), b.getSymbolicName() + " " + b.getVersion() + " " + b.getState());
        }
        return bundles;
    }

    private Map<String, String> configurations() throws Exception {
        Map<String, String> configurations = new TreeMap<>();
        org.osgi.service.cm.Configuration[] all = configurationAdmin.listConfigurations(null);
        if (all != null) {
            for (org.osgi.service.cm.Configuration c : all) {
                configurations.put(c.getPid(), describe(c.getProperties()));
            }
        }
        return configurations;
    }

    private static String describe(Dictionary<String, Object> properties) {
        Map<String, String> sorted = new TreeMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            Object value = properties.get(key);
            sorted.put(key, value != null && value.getClass().isArray() ? Arrays.deepToString(new Object[] {value}) : String.valueOf(value));
        }
        return sorted.toString();
    }

    /** The component configurations of a bundle: name to configuration id (a new id means a new activation). */
    private Map<String, Long> componentIds(String symbolicName) {
        Map<String, Long> ids = new TreeMap<>();
        components(symbolicName).forEach((name, c) -> ids.put(name, c.id));
        return ids;
    }

    private Map<String, ComponentConfigurationDTO> components(String symbolicName) {
        Map<String, ComponentConfigurationDTO> components = new TreeMap<>();
        Bundle bundle = find(symbolicName);
        if (bundle == null) {
            return components;
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                components.put(description.name + "#" + c.id, c);
            }
        }
        return components;
    }

    /** Whether the bundle has a component offering OAuthProvider that needs no configuration to be registered. */
    private boolean registersProviderWithoutConfiguration(Bundle bundle) {
        return scr.getComponentDescriptionDTOs(bundle).stream()
                .anyMatch(d -> Arrays.asList(d.serviceInterfaces).contains(OAuthProvider.class.getName())
                        && !"require".equals(d.configurationPolicy));
    }

    private ServiceReference<OAuthProvider> providerOf(Bundle bundle) {
        try {
            for (ServiceReference<OAuthProvider> ref : context.getServiceReferences(OAuthProvider.class, null)) {
                if (bundle.equals(ref.getBundle())) {
                    return ref;
                }
            }
            return null;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private Bundle find(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElse(null);
    }

    private static <T> T only(List<T> list) {
        assertEquals("items in " + list, 1, list.size());
        return list.get(0);
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String type(BundleEvent e) {
        return switch (e.getType()) {
            case BundleEvent.INSTALLED -> "INSTALLED";
            case BundleEvent.RESOLVED -> "RESOLVED";
            case BundleEvent.STARTING -> "STARTING";
            case BundleEvent.STARTED -> "STARTED";
            case BundleEvent.STOPPING -> "STOPPING";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UNRESOLVED -> "UNRESOLVED";
            case BundleEvent.UPDATED -> "UPDATED";
            case BundleEvent.UNINSTALLED -> "UNINSTALLED";
            default -> "event " + e.getType();
        };
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("Not within " + WAIT_MILLIS + " ms: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
