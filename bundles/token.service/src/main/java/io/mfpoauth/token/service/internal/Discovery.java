package io.mfpoauth.token.service.internal;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.service.internal.http.OAuthHttp;
import io.mfpoauth.token.service.internal.http.Urls;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;

/**
 * Completes a provider's endpoints from its issuer's discovery document: OpenID Connect Discovery first, then RFC
 * 8414. Done here, not in the provider bundles, so one HTTP client (with the device's proxy and limits) reads
 * everything. A document is kept for an hour; a failure is not kept, so a fixed network or setting works at once.
 */
final class Discovery {
    private static final long KEEP_NANOS = TimeUnit.HOURS.toNanos(1);

    private record Known(ProviderEndpoints endpoints, long fetchedNanos) {
    }

    private final OAuthHttp http;
    private final Ticker ticker;
    private final Map<URI, Known> cache = new ConcurrentHashMap<>();

    Discovery(OAuthHttp http, Ticker ticker) {
        this.http = http;
        this.ticker = ticker;
    }

    /** The endpoints to use: the given ones, completed from the issuer's document where any is missing. */
    ProviderEndpoints resolve(ProviderEndpoints given) throws ProviderException {
        if (given == null) {
            throw new ProviderException("The provider gives no endpoints: check its settings.", false);
        }
        URI issuer = given.issuer();
        if (issuer == null || (given.token() != null && given.deviceAuthorization() != null
                && given.authorization() != null && given.revocation() != null)) {
            return given;
        }
        Known known = cache.get(issuer);
        if (known == null || ticker.nanoTime() - known.fetchedNanos() > KEEP_NANOS) {
            known = new Known(fetch(issuer), ticker.nanoTime());
            cache.put(issuer, known);
        }
        ProviderEndpoints found = known.endpoints();
        URI token = given.token() != null ? given.token() : found.token();
        if (token == null) {
            throw new ProviderException("The discovery document of " + issuer + " names no token endpoint.", false);
        }
        return new ProviderEndpoints(issuer, token,
                given.deviceAuthorization() != null ? given.deviceAuthorization() : found.deviceAuthorization(),
                given.authorization() != null ? given.authorization() : found.authorization(),
                given.revocation() != null ? given.revocation() : found.revocation());
    }

    private ProviderEndpoints fetch(URI issuer) throws ProviderException {
        try {
            Urls.requireSecure(issuer);
        } catch (IllegalArgumentException e) {
            throw new ProviderException("The issuer address is not allowed: " + e.getMessage(), false);
        }
        String base = issuer.toString().replaceAll("/+$", "");
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath().replaceAll("/+$", "");
        String origin = base.substring(0, base.length() - path.length());
        List<URI> candidates = List.of(URI.create(base + "/.well-known/openid-configuration"),
                URI.create(origin + "/.well-known/oauth-authorization-server" + path));
        IOException unreachable = null;
        String problem = null;
        for (URI doc : candidates) {
            HttpReply reply;
            try {
                reply = http.get(doc);
            } catch (IOException e) {
                unreachable = e;
                continue;
            }
            if (reply.status() != 200 || reply.json() == null) {
                problem = doc + " answered HTTP " + reply.status()
                        + (reply.problem() == null ? "" : " (" + reply.problem() + ")");
                continue;
            }
            String named = reply.text("issuer");
            if (named == null || !named.replaceAll("/+$", "").equals(base)) {
                // RFC 8414 §3.3: a document for another issuer must not be used (it could redirect tokens).
                throw new ProviderException("The discovery document at " + doc + " is for another issuer ("
                        + Replies.clean(named, 200) + "), not " + issuer + ".", false);
            }
            return new ProviderEndpoints(issuer, address(reply, "token_endpoint"),
                    address(reply, "device_authorization_endpoint"), address(reply, "authorization_endpoint"),
                    address(reply, "revocation_endpoint"));
        }
        if (unreachable != null && problem == null) {
            throw new ProviderException("The discovery document of " + issuer + " cannot be read ("
                    + Replies.clean(unreachable.getMessage(), 200) + "); the device will try again.", true);
        }
        throw new ProviderException("No discovery document for " + issuer + ": " + problem
                + ". Check the issuer, or give the endpoints explicitly.", false);
    }

    private static URI address(HttpReply reply, String field) throws ProviderException {
        String value = reply.text(field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(value);
            if (!u.isAbsolute() || u.getHost() == null) {
                throw new ProviderException("The discovery document's " + field + " is not an absolute address.", false);
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ProviderException("The discovery document's " + field + " is not an address.", false);
        }
    }
}
