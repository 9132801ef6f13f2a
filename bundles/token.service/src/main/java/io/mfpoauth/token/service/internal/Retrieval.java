package io.mfpoauth.token.service.internal;

import java.net.URI;
import java.util.List;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/**
 * A Get Token in progress on one slot. Mutable fields are guarded by the slot's lock. Holds the device code or
 * PKCE verifier, which are credentials: {@link #toString()} hides them.
 */
final class Retrieval {
    final Flow flow;
    final String providerId;
    final OAuthProvider provider;
    final ProviderEndpoints endpoints;
    final String account;
    final List<String> scopes;
    /** Monotonic deadline after which the attempt has expired. */
    final long deadlineNanos;
    final long expiresAtMillis;
    final PendingAuthorization shown;

    // Device flow
    final DeviceCode deviceCode;
    /** The current poll interval, grown by 5 s on each slow_down (RFC 8628 §3.5). */
    long intervalNanos;

    // Browser flow
    final String state;
    final String verifier;
    final URI redirectUri;

    TaskScheduler.Task task;

    private Retrieval(Flow flow, OAuthProvider provider, ProviderEndpoints endpoints, String account,
            List<String> scopes, long deadlineNanos, long expiresAtMillis, PendingAuthorization shown,
            DeviceCode deviceCode, String state, String verifier, URI redirectUri) {
        this.flow = flow;
        this.providerId = provider.id();
        this.provider = provider;
        this.endpoints = endpoints;
        this.account = account;
        this.scopes = scopes;
        this.deadlineNanos = deadlineNanos;
        this.expiresAtMillis = expiresAtMillis;
        this.shown = shown;
        this.deviceCode = deviceCode;
        this.intervalNanos = deviceCode == null ? 0 : deviceCode.intervalSeconds() * 1_000_000_000L;
        this.state = state;
        this.verifier = verifier;
        this.redirectUri = redirectUri;
    }

    static Retrieval device(OAuthProvider provider, ProviderEndpoints endpoints, String account, List<String> scopes,
            DeviceCode code, long nowNanos, long nowMillis) {
        PendingAuthorization p = new PendingAuthorization();
        p.flow = Flow.DEVICE_CODE;
        p.userCode = code.userCode();
        p.verificationUri = code.verificationUri();
        p.verificationUriComplete = code.verificationUriComplete();
        p.message = code.message();
        p.expiresAt = nowMillis + code.expiresInSeconds() * 1000;
        return new Retrieval(Flow.DEVICE_CODE, provider, endpoints, account, scopes,
                nowNanos + code.expiresInSeconds() * 1_000_000_000L, p.expiresAt, p, code, null, null, null);
    }

    static Retrieval browser(OAuthProvider provider, ProviderEndpoints endpoints, String account, List<String> scopes,
            String authorizationUrl, String state, String verifier, URI redirectUri, long lifetimeNanos,
            long nowNanos, long nowMillis) {
        PendingAuthorization p = new PendingAuthorization();
        p.flow = Flow.AUTHORIZATION_CODE;
        p.authorizationUrl = authorizationUrl;
        p.expiresAt = nowMillis + lifetimeNanos / 1_000_000;
        return new Retrieval(Flow.AUTHORIZATION_CODE, provider, endpoints, account, scopes, nowNanos + lifetimeNanos,
                p.expiresAt, p, null, state, verifier, redirectUri);
    }

    void cancelTask() {
        if (task != null) {
            task.cancel();
            task = null;
        }
    }

    @Override
    public String toString() {
        return "Retrieval[" + flow + ", provider=" + providerId + ", account=" + account + "]";
    }
}
