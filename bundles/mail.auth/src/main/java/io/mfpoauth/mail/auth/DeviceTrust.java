package io.mfpoauth.mail.auth;

import javax.net.ssl.SSLContext;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The certificates the device trusts for mail servers: the JVM's trust store plus an optional device trust store
 * (configuration PID {@value #PID}: {@code trustStore}, {@code trustStoreType}, {@code .trustStorePassword}).
 * A certificate that neither trusts is a {@link io.mfpoauth.mail.MailFailure#TLS_FAILED}, never a silent downgrade.
 */
@ProviderType
public interface DeviceTrust {
    String PID = "io.mfpoauth.mail.tls";

    /**
     * A TLS context that trusts both stores; callers still verify the server's host name. Ask for it for each
     * connection: a changed trust store gives a new context without the service going away.
     */
    SSLContext context();
}
