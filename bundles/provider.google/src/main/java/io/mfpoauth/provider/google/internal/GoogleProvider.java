package io.mfpoauth.provider.google.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;
import io.mfpoauth.token.spi.RequireTokenService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Gmail and Google Workspace. Google's device flow does not accept the mail scope, so the token is obtained with
 * the authorization code flow and PKCE in a browser; {@code access_type=offline} and {@code prompt=consent} make
 * Google return a refresh token every time.
 */
@RequireTokenService
@Component(service = OAuthProvider.class, configurationPid = "io.mfpoauth.provider.google",
        property = OAuthProvider.ID_PROPERTY + "=" + GoogleProvider.ID)
@Designate(ocd = GoogleConfig.class)
public final class GoogleProvider implements OAuthProvider {
    static final String ID = "google";
    /** The one scope Google has for IMAP, POP and SMTP alike. */
    static final String MAIL_SCOPE = "https://mail.google.com/";

    private volatile Settings settings;

    private record Settings(String clientId, String clientSecret, ProviderEndpoints endpoints, Set<String> hosts,
            String problem) {
    }

    @Activate
    public GoogleProvider(GoogleConfig config) {
        settings = read(config);
    }

    @Modified
    void modified(GoogleConfig config) {
        settings = read(config);
    }

    private static Settings read(GoogleConfig config) {
        String clientId = config.clientId() == null ? "" : config.clientId().trim();
        String secret = config._clientSecret() == null || config._clientSecret().isBlank() ? null : config._clientSecret();
        Set<String> hosts = Arrays.stream(config.hosts()).filter(h -> h != null && !h.isBlank())
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        ProviderEndpoints endpoints = null;
        String problem = clientId.isEmpty() ? "has no client id: set the OAuth client id (Desktop app)" : null;
        try {
            endpoints = new ProviderEndpoints(URI.create(config.tokenEndpoint().trim()), null,
                    URI.create(config.authorizationEndpoint().trim()), config.revocationEndpoint().isBlank() ? null
                            : URI.create(config.revocationEndpoint().trim()));
        } catch (RuntimeException e) {
            problem = "has an endpoint that is not an address";
        }
        return new Settings(clientId, secret, endpoints, hosts, problem);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Google (Gmail, Workspace)";
    }

    @Override
    public List<Flow> flows() {
        return List.of(Flow.AUTHORIZATION_CODE);
    }

    @Override
    public ProviderEndpoints endpoints() throws ProviderException {
        Settings s = settings;
        if (s.problem() != null) {
            throw new ProviderException("Google: " + s.problem() + ".", false);
        }
        return s.endpoints();
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        return List.of(MAIL_SCOPE);
    }

    @Override
    public String clientId() {
        return settings.clientId();
    }

    @Override
    public String clientSecret() {
        return settings.clientSecret();
    }

    @Override
    public Map<String, String> authorizationParameters() {
        return Map.of("access_type", "offline", "prompt", "consent");
    }

    @Override
    public Set<String> mailHosts() {
        return settings.hosts();
    }
}
