package io.mfpoauth.itest.reliability;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.UUID;

import io.mfpoauth.token.TokenService;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The token service's settings through ConfigAdmin (PID {@code io.mfpoauth.token.service}), as an integrator's
 * configuration file would set them, and the token service they give. The component has no modified method, so
 * DS replaces it: the tests must use the service this returns, not one they held before.
 */
final class EndpointTuning {
    static final String PID = "io.mfpoauth.token.service";
    private static final String MARKER = "reliability.marker";
    private static final long WAIT_MILLIS = 30_000;

    private EndpointTuning() {
    }

    /**
     * Applies {@code settings} and returns the token service configured with them. A marker property (DS publishes
     * configuration properties as service properties) tells the new service from the one it replaces.
     */
    static TokenService configure(BundleContext context, ConfigurationAdmin configAdmin, Map<String, Object> settings)
            throws Exception {
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> current = c.getProperties();
        String marker;
        if (current != null && current.get(MARKER) != null && sameSettings(current, settings)) {
            // already so: each replacement of the service is a chance for its dependents to see it missing
            marker = (String) current.get(MARKER);
        } else {
            marker = UUID.randomUUID().toString();
            Dictionary<String, Object> props = new Hashtable<>(settings);
            props.put(MARKER, marker);
            c.update(props);
        }
        ServiceTracker<TokenService, TokenService> tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(&(objectClass=" + TokenService.class.getName() + ")(" + MARKER + "="
                        + marker + "))"), null);
        tracker.open();
        try {
            TokenService service = tracker.waitForService(WAIT_MILLIS);
            if (service == null) {
                throw new AssertionError("the token service did not come back with the new settings within "
                        + WAIT_MILLIS + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    private static boolean sameSettings(Dictionary<String, Object> current, Map<String, Object> wanted) {
        int ours = 0;
        for (java.util.Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!key.equals(MARKER) && !key.startsWith("service.") && !key.startsWith("felix.")) {
                ours++;
            }
        }
        return ours == wanted.size()
                && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(current.get(e.getKey())));
    }

    /** Back to the defaults, so the framework ends as it started. */
    static void reset(ConfigurationAdmin configAdmin) throws Exception {
        configAdmin.getConfiguration(PID, "?").delete();
    }
}
