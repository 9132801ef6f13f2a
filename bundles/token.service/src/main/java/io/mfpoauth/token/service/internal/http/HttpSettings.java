package io.mfpoauth.token.service.internal.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the device talks to providers' endpoints.
 *
 * @param connectTimeout the limit for opening a connection (TCP and TLS)
 * @param requestTimeout the limit for the whole exchange, from sending to the last byte of the body
 * @param maxBodyBytes the largest body read; a longer one is cut and reported as a problem
 * @param proxyHost the HTTP proxy's host; null or blank for a direct connection
 * @param proxyPort the HTTP proxy's port, ignored without a proxy host
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, int maxBodyBytes, String proxyHost,
        int proxyPort) {

    /** 64 KiB: token answers and discovery documents are a few kilobytes. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public HttpSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("The connect timeout must be positive, not " + connectTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("The request timeout must be positive, not " + requestTimeout);
        }
        if (maxBodyBytes <= 0 || maxBodyBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The body limit must be between 1 and " + (Integer.MAX_VALUE - 1)
                    + " bytes, not " + maxBodyBytes);
        }
        if (proxyHost != null && proxyHost.isBlank()) {
            proxyHost = null;
        }
        if (proxyHost != null && (proxyPort < 1 || proxyPort > 65535)) {
            throw new IllegalArgumentException("The proxy port must be between 1 and 65535, not " + proxyPort);
        }
    }

    /** 10 s to connect, 30 s per exchange, 64 KiB bodies, no proxy. */
    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_BODY_BYTES, null, 0);
    }

    /** Whether requests go through a proxy. */
    public boolean hasProxy() {
        return proxyHost != null;
    }
}
