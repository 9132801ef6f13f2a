package io.mfpoauth.mail.auth.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.mfpoauth.mail.auth.DeviceTrust;

/**
 * The JVM's trust store plus the device's own (the administrator's imported CA certificates).
 */
@Component(service = DeviceTrust.class, configurationPid = DeviceTrust.PID)
@Designate(ocd = DeviceTrustComponent.Config.class)
public class DeviceTrustComponent implements DeviceTrust {

    @ObjectClassDefinition(name = "mfp-oauth mail TLS trust",
            description = "Certificates trusted for mail servers, in addition to the JVM's.")
    public @interface Config {
        @AttributeDefinition(name = "Device trust store", required = false,
                description = "Path of a PKCS12 or JKS file with the CA certificates to trust; empty: the JVM's only.")
        String trustStore() default "";

        @AttributeDefinition(name = "Trust store type", options = {
            @org.osgi.service.metatype.annotations.Option(value = "PKCS12", label = "PKCS12"),
            @org.osgi.service.metatype.annotations.Option(value = "JKS", label = "JKS")})
        String trustStoreType() default "PKCS12";

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
        String _trustStorePassword() default "";
    }

    private final Logger logger;
    private volatile SSLContext context;

    @Activate
    public DeviceTrustComponent(Config config, @Reference(service = LoggerFactory.class) Logger logger)
            throws GeneralSecurityException {
        this.logger = logger;
        this.context = build(config);
    }

    /**
     * A new trust store applies to the next connection, without restarting the mail components that use this
     * service (they would drop their checks in progress).
     */
    @Modified
    void modified(Config config) throws GeneralSecurityException {
        context = build(config);
    }

    @Override
    public SSLContext context() {
        return context;
    }

    /**
     * The JVM's trust plus the device store. A store that cannot be read is logged as an error and left out: mail
     * servers signed by its CAs then fail with a certificate error the connection test shows, which is stricter,
     * never looser, than what the administrator asked for.
     */
    private SSLContext build(Config config) throws GeneralSecurityException {
        List<X509TrustManager> managers = new ArrayList<>();
        managers.add(trustManager(null));
        if (!config.trustStore().isBlank()) {
            Path file = Path.of(config.trustStore());
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = KeyStore.getInstance(config.trustStoreType());
                store.load(in, config._trustStorePassword().toCharArray());
                managers.add(trustManager(store));
                logger.info("Mail TLS trusts the JVM's certificates and {} from {}", store.size(), file);
            } catch (IOException | GeneralSecurityException e) {
                logger.error("The device trust store {} cannot be read ({}); only the JVM's certificates are trusted",
                        file, e.getMessage());
            }
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new EitherTrustManager(managers)}, null);
        return tls;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                return (X509TrustManager) manager;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** Trusts a chain that any of its trust managers trusts. */
    private static final class EitherTrustManager implements X509TrustManager {
        private final List<X509TrustManager> managers;

        EitherTrustManager(List<X509TrustManager> managers) {
            this.managers = List.copyOf(managers);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException first = null;
            for (X509TrustManager manager : managers) {
                try {
                    manager.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("The device does not accept client connections");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> java.util.Arrays.stream(m.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}
