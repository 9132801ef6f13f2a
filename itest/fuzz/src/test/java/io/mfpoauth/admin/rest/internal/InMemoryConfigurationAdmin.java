package io.mfpoauth.admin.rest.internal;

import java.lang.reflect.Proxy;
import java.util.Dictionary;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The part of ConfigAdmin {@link ProviderConfigs} uses, empty at first: nothing configured, every configuration
 * new, an update kept. Only the byte source of the provider-settings target; the class under test is real.
 */
final class InMemoryConfigurationAdmin {
    private InMemoryConfigurationAdmin() {
    }

    static ConfigurationAdmin create() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(InMemoryConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "listConfigurations" -> null;
                    case "getConfiguration", "getFactoryConfiguration" -> configuration();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Configuration configuration() {
        Dictionary<?, ?>[] stored = { null };
        return (Configuration) Proxy.newProxyInstance(InMemoryConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] { Configuration.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> stored[0];
                    case "update" -> {
                        if (args != null && args.length == 1) {
                            stored[0] = (Dictionary<?, ?>) args[0];
                        }
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "Configuration";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
