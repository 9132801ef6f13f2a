package io.mfpoauth.token.service.internal;

import java.time.Duration;

/**
 * The engine's tunables, taken from the component's configuration.
 *
 * @param refreshMargin how long before expiry a token is renewed (see {@link #marginFor})
 * @param retryMin the first wait after a transient failure; doubled for each further failure
 * @param retryMax the longest wait between retries, also the wait after a configuration error
 * @param browserFlowTimeout how long a browser (authorization code) retrieval stays open
 * @param redirectPort the loopback port of the browser flow's redirect listener, 0 for any free port
 * @param waitForRefresh how long a caller waits for a refresh another caller started
 */
public record EngineSettings(Duration refreshMargin, Duration retryMin, Duration retryMax, Duration browserFlowTimeout,
        int redirectPort, Duration waitForRefresh) {

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(15),
                Duration.ofMinutes(10), 0, Duration.ofSeconds(60));
    }

    /**
     * The refresh margin for a token that lives {@code lifetimeNanos}: the configured margin (5 minutes by
     * default), but at most a quarter of the lifetime, so a short-lived token (a test server's, or a provider's
     * policy) is still used for three quarters of its life instead of being refreshed at once.
     */
    public long marginFor(long lifetimeNanos) {
        return Math.max(0, Math.min(refreshMargin.toNanos(), lifetimeNanos / 4));
    }
}
