package io.mfpoauth.token.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A mail provider's authorization server, as a provider bundle describes it to the token service. Register an
 * implementation as an OSGi service; the token service picks it up and drops it as it comes and goes, without
 * restarting, and slots whose provider went away keep their tokens until it returns.
 *
 * <p>The token service speaks the protocol (device flow, PKCE, refresh, revocation); a provider only says where
 * and with what parameters, and what its error answers mean.
 */
@ConsumerType
public interface OAuthProvider {

    /** Service property that repeats {@link #id()}, so consumers can select a provider with a target filter. */
    String ID_PROPERTY = "provider.id";

    /** A short, stable id ({@code [a-z0-9-]+}), stored with each slot: {@code microsoft}, {@code google}. */
    String id();

    /** The name the administrator picks from. */
    String displayName();

    /** The flows it supports, the preferred first is the one Get Token uses. */
    List<Flow> flows();

    /**
     * Its endpoints; may read a discovery document, so it may block for a network round trip.
     *
     * @throws ProviderException when the configuration is incomplete or discovery failed
     */
    ProviderEndpoints endpoints() throws ProviderException;

    /** The scopes to request for a protocol, {@code offline_access} included where the provider needs it; empty if the protocol is not served. */
    List<String> scopes(MailProtocol protocol);

    /** The OAuth client id of the device's app registration. */
    String clientId();

    /** The client secret, or null for a public client. Sent in the request body, never logged. */
    default String clientSecret() {
        return null;
    }

    /** Extra parameters for the authorization request of the browser flow (Google: {@code access_type=offline}). */
    default Map<String, String> authorizationParameters() {
        return Map.of();
    }

    /** Mail-server host names or domains this provider serves ({@code office365.com}, {@code gmail.com}). */
    default Set<String> mailHosts() {
        return Set.of();
    }

    /** What an error answer means. The default follows the RFCs alone ({@link ErrorVerdict#standard}). */
    default ErrorVerdict classify(OAuthError error) {
        return ErrorVerdict.standard(error);
    }
}
