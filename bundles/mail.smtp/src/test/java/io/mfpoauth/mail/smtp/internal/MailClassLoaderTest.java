package io.mfpoauth.mail.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.Session;

import org.eclipse.angus.activation.MailcapRegistryProviderImpl;
import org.junit.jupiter.api.Test;

/**
 * Rebuilds the OSGi class space that breaks Jakarta Mail (the activation API cannot see angus-activation, nothing
 * sees the caller) with plain class loaders, one per jar, and checks that {@link MailClassLoader} mends it. Reflection
 * is the only way to run Jakarta Mail inside those loaders.
 */
class MailClassLoaderTest {
    private static final String SERVICES = "META-INF/services/jakarta.activation.spi.MailcapRegistryProvider";

    @Test
    void outsideOsgiTheOneLoaderIsUsedAsItIs() {
        ClassLoader loader = getClass().getClassLoader();
        assertThat(MailClassLoader.of(loader, loader)).isSameAs(loader);
    }

    @Test
    void theSecondLoaderSuppliesClassesAndResourcesTheFirstLacks() throws Exception {
        ClassLoader bootOnly = new URLClassLoader(new URL[0], null);
        ClassLoader composite = MailClassLoader.of(bootOnly, getClass().getClassLoader());

        assertThat(composite.loadClass(MailcapRegistryProviderImpl.class.getName()))
                .isSameAs(MailcapRegistryProviderImpl.class);
        assertThat(Collections.list(composite.getResources(SERVICES))).isNotEmpty();
        assertThat(composite.getResource(SERVICES)).isNotNull();
        assertThatThrownBy(() -> composite.loadClass("no.such.Type")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aMultipartMessageCanBeWrittenOnlyWithTheComposite() throws Exception {
        ClassLoader api = new URLClassLoader(new URL[] {jar(DataHandler.class)}, ClassLoader.getPlatformClassLoader());
        ClassLoader mail = new URLClassLoader(new URL[] {jar(Session.class)}, api);
        ClassLoader activation = new URLClassLoader(new URL[] {jar(MailcapRegistryProviderImpl.class)}, api);

        assertThatThrownBy(() -> writeMultipart(mail, mail)).hasMessageContaining("no object DCH");
        assertThat(writeMultipart(mail, MailClassLoader.of(mail, activation))).contains("hello");
    }

    private static URL jar(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Builds and writes a multipart message with Jakarta Mail loaded by {@code mail}, under the given TCCL. */
    private static String writeMultipart(ClassLoader mail, ClassLoader tccl) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(tccl);
        try {
            Class<?> session = mail.loadClass("jakarta.mail.Session");
            Class<?> message = mail.loadClass("jakarta.mail.internet.MimeMessage");
            Class<?> multipart = mail.loadClass("jakarta.mail.internet.MimeMultipart");
            Class<?> bodyPart = mail.loadClass("jakarta.mail.internet.MimeBodyPart");
            Object m = message.getConstructor(session)
                    .newInstance(session.getMethod("getInstance", Properties.class).invoke(null, new Properties()));
            Object parts = multipart.getConstructor().newInstance();
            Object text = bodyPart.getConstructor().newInstance();
            bodyPart.getMethod("setText", String.class, String.class).invoke(text, "hello", "UTF-8");
            multipart.getMethod("addBodyPart", mail.loadClass("jakarta.mail.BodyPart")).invoke(parts, text);
            message.getMethod("setContent", mail.loadClass("jakarta.mail.Multipart")).invoke(m, parts);
            message.getMethod("saveChanges").invoke(m);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.getMethod("writeTo", OutputStream.class).invoke(m, out);
            return out.toString("US-ASCII");
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        } finally {
            thread.setContextClassLoader(caller);
        }
    }
}
