package io.mfpoauth.mail.smtp.internal;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;

import jakarta.mail.Session;

import org.eclipse.angus.activation.MailcapRegistryProviderImpl;

/**
 * The thread context class loader Jakarta Mail and Jakarta Activation need in OSGi.
 *
 * <p>Both look up their implementations with {@code ServiceLoader} and resources ({@code META-INF/mailcap},
 * {@code META-INF/javamail.providers}) through the context class loader first. In OSGi that loader is the
 * caller's, which sees neither. The Jakarta Mail bundle finds its own providers and stream provider (they are in
 * the same jar), but the activation API's {@code MailcapRegistryProvider} lives in the angus-activation bundle, whose
 * {@code META-INF/services} file no other bundle's loader can see (a dynamic import reaches classes, never
 * resources). Without it the mailcap is not read, no handler serves {@code text/plain}, and writing the message
 * fails with "no object DCH". This loader asks the Jakarta Mail bundle first and angus-activation second.
 *
 * <p>One instance for the bundle's life: Jakarta Activation caches the default command map per context class
 * loader, so a new loader per send would re-read the mailcap every time.
 */
final class MailClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** The loader to use; outside OSGi (unit tests) both are the same loader and no composite is needed. */
    static final ClassLoader INSTANCE = of(Session.class.getClassLoader(),
            MailcapRegistryProviderImpl.class.getClassLoader());

    private final ClassLoader second;

    private MailClassLoader(ClassLoader first, ClassLoader second) {
        super(first);
        this.second = second;
    }

    static ClassLoader of(ClassLoader first, ClassLoader second) {
        return first == second ? first : new MailClassLoader(first, second);
    }

    /** An action run with Jakarta Mail's context class loader. */
    @FunctionalInterface
    interface Action<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code action} with {@link #INSTANCE} as the context class loader, restoring the caller's after. */
    static <T, E extends Exception> T call(Action<T, E> action) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(INSTANCE);
        try {
            return action.run();
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        return second.loadClass(name);
    }

    @Override
    protected URL findResource(String name) {
        return second.getResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return second.getResources(name);
    }
}
