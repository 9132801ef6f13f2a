package io.mfpoauth.itest.reliability;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.mfpoauth.itest.LocalAuthServer;

/**
 * An authorization server on loopback (free port) with the device grant, auto-approved, and refresh with
 * <b>rotation</b>: every refresh answers a new refresh token. Its rule is the forgiving one providers with rotation
 * commonly apply (a grace for the old token, as Microsoft's "replaced on every use" tokens tolerate a retry): a
 * refresh token stays valid until its successor has been used once, so a client that lost an answer (killed before storing it) can present the old one again. So at
 * any time two refresh tokens of a grant work (each Get Token starts its own chain): the one last used
 * ({@code previous}) and the one issued for it ({@code current}). A <em>retired</em> one (its successor was used)
 * is answered {@code invalid_grant} and counted as a lost rotation: the client forgot the token it should have
 * stored.
 *
 * <p>Endpoints: {@code /device} (RFC 8628 device authorization), {@code /token} (device code and refresh grants),
 * {@code /revoke} (RFC 7009). Tokens are {@code <prefix><random>}, so a test can recognise them anywhere.
 */
public final class RotatingTokenServer extends LocalAuthServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String accessPrefix;
    private final String refreshPrefix;

    /** Successful refreshes (each a rotation). */
    public final AtomicInteger refreshes = new AtomicInteger();
    /** Presentations of a retired refresh token: rotated tokens the client lost. */
    public final AtomicInteger retiredPresented = new AtomicInteger();
    /** Presentations of a token this server never issued. */
    public final AtomicInteger unknownPresented = new AtomicInteger();
    /** Presentations of {@code previous} while {@code current} was unused: an answer the client never stored. */
    public final AtomicInteger repeatedPresented = new AtomicInteger();
    /** Tokens presented at {@code /revoke}. */
    public final List<String> revoked = new ArrayList<>();

    /** {@code expires_in} of each access token; 0 makes every token due at once. */
    public volatile long expiresInSeconds = 3600;
    /** Which grant the echoing answers below are for: 0 for the first Get Token, 1 for the second, ... */
    public volatile int echoingGrant;
    /** Refresh answers still to fail with a transient error that echoes the request's parameters. */
    public final AtomicInteger echoingFailures = new AtomicInteger();
    /** Refresh answers still to be {@code invalid_grant} with the presented token echoed in the description. */
    public final AtomicInteger echoingVerdicts = new AtomicInteger();

    /** One grant's chain of refresh tokens (each Get Token starts one; each slot has its own). */
    private static final class Chain {
        String previous;
        String current;
    }

    private final Map<String, Chain> chainOf = new HashMap<>();
    private final List<Chain> chains = new ArrayList<>();
    private final List<String> issued = new ArrayList<>();
    private String current;
    private String deviceCode;

    public RotatingTokenServer(String accessPrefix, String refreshPrefix) throws IOException {
        super(50); // every kill and restart of CrashIT's firmware may leave connections behind
        this.accessPrefix = accessPrefix;
        this.refreshPrefix = refreshPrefix;
    }

    /** The generic provider's factory configuration file pointing at this server (explicit endpoints). */
    public String providerConfiguration(String id) {
        return "provider.id=" + id + "\nname=Rotating (" + id + ")\ntokenEndpoint=" + uri("/token")
                + "\ndeviceAuthorizationEndpoint=" + uri("/device") + "\nrevocationEndpoint=" + uri("/revoke")
                + "\nclientId=mfp-device\nsmtpScopes=mail offline_access\npop3Scopes=mail offline_access\nhosts=mfp.test\n";
    }

    /**
     * Waits until at least {@code count} refreshes were answered, or {@code timeoutMillis} passed.
     *
     * @return whether the count was reached
     */
    public synchronized boolean awaitRefreshes(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (refreshes.get() < count) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Every access and refresh token issued so far. */
    public synchronized List<String> issued() {
        return new ArrayList<>(issued);
    }

    /** The newest refresh token issued (with one slot: the one the client is expected to hold). */
    public synchronized String current() {
        return current;
    }

    @Override
    protected synchronized Answer answer(String path, Map<String, String> form) {
        switch (path) {
            case "/device":
                deviceCode = "dc-" + random();
                return new Answer(200, "{\"device_code\":\"" + deviceCode + "\",\"user_code\":\"ROTA-TION\","
                        + "\"verification_uri\":\"https://login.example.test/device\",\"expires_in\":300,\"interval\":1}");
            case "/token":
                if ("refresh_token".equals(form.get("grant_type"))) {
                    return refresh(form);
                }
                if (deviceCode == null || !deviceCode.equals(form.get("device_code"))) {
                    return new Answer(400, "{\"error\":\"bad_verification_code\"}");
                }
                deviceCode = null;
                Chain chain = new Chain();
                chains.add(chain);
                return issue(chain);
            case "/revoke":
                revoked.add(form.get("token"));
                return new Answer(200, "{}");
            default:
                return new Answer(404, "{\"error\":\"not_found\"}");
        }
    }

    private Answer refresh(Map<String, String> form) {
        String presented = form.get("refresh_token");
        Chain chain = presented == null ? null : chainOf.get(presented);
        boolean echoing = chain != null && echoingGrant < chains.size() && chains.get(echoingGrant) == chain;
        if (echoing && echoingVerdicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh_token " + presented
                    + " is not valid for client " + form.get("client_id") + "\"}");
        }
        if (echoing && echoingFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Answer(503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"backend busy; request was "
                    + "grant_type=refresh_token&refresh_token=" + presented + "\"}");
        }
        if (chain == null) {
            unknownPresented.incrementAndGet();
            return new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"unknown refresh token\"}");
        }
        if (presented.equals(chain.current)) {
            chain.previous = chain.current; // its successor is issued now; it stays valid until that is used
            refreshes.incrementAndGet();
            notifyAll();
            return issue(chain);
        }
        if (presented.equals(chain.previous)) {
            // The answer that carried chain.current never reached the client's store: that one is dropped unused.
            repeatedPresented.incrementAndGet();
            refreshes.incrementAndGet();
            notifyAll();
            return issue(chain);
        }
        retiredPresented.incrementAndGet();
        return new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token retired\"}");
    }

    private Answer issue(Chain chain) {
        String access = accessPrefix + random();
        current = refreshPrefix + random();
        chain.current = current;
        chainOf.put(current, chain);
        issued.add(access);
        issued.add(current);
        return new Answer(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresInSeconds + ",\"refresh_token\":\"" + current + "\"}");
    }

    private static String random() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            b.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return b.toString();
    }
}
