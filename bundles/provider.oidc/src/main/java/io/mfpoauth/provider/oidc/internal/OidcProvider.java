package io.mfpoauth.provider.oidc.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;
import io.mfpoauth.token.spi.RequireTokenService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A generic provider: one component, and one provider service, per factory configuration. Settings are checked
 * once here; what cannot be checked without the network (discovery) is done by the token service and shows as a
 * configuration error on the slot that uses the provider, never as a crash.
 */
@RequireTokenService
@Component(service = OAuthProvider.class, configurationPid = "io.mfpoauth.provider.oidc",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = OidcProviderConfig.class, factory = true)
public final class OidcProvider implements OAuthProvider {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,32}");

    private final String id;
    private final String name;
    private final Flow flow;
    private final String clientId;
    private final String clientSecret;
    private final Map<MailProtocol, List<String>> scopes;
    private final Set<String> hosts;
    private final Map<String, String> authorizationParameters;
    /** The endpoints, or the reason the settings are unusable (reported at each use, not thrown at activation). */
    private final ProviderEndpoints endpoints;
    private final String problem;

    @Activate
    public OidcProvider(OidcProviderConfig config) {
        id = config.provider_id() == null ? "" : config.provider_id().trim();
        if (!ID.matcher(id).matches()) {
            // Without a valid id the provider cannot be told apart from others: refuse to register.
            throw new IllegalArgumentException("The generic provider's id must match [a-z0-9-]{1,32}, not '" + id + "'");
        }
        name = blank(config.name()) ? id : config.name().trim();
        flow = "authorization_code".equals(config.flow()) ? Flow.AUTHORIZATION_CODE : Flow.DEVICE_CODE;
        clientId = config.clientId() == null ? "" : config.clientId().trim();
        clientSecret = blank(config._clientSecret()) ? null : config._clientSecret();
        scopes = Map.of(MailProtocol.SMTP, split(config.smtpScopes()), MailProtocol.POP3, split(config.pop3Scopes()),
                MailProtocol.IMAP, split(config.imapScopes()));
        hosts = Arrays.stream(config.hosts()).filter(h -> !blank(h)).map(h -> h.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        authorizationParameters = parameters(config.authorizationParameters());
        String why = null;
        ProviderEndpoints e = null;
        try {
            URI issuer = uri("issuer", config.issuer());
            URI token = uri("token endpoint", config.tokenEndpoint());
            if (issuer == null && token == null) {
                why = "has neither an issuer nor a token endpoint";
            } else {
                e = new ProviderEndpoints(issuer, token, uri("device authorization endpoint", config.deviceAuthorizationEndpoint()),
                        uri("authorization endpoint", config.authorizationEndpoint()),
                        uri("revocation endpoint", config.revocationEndpoint()));
            }
        } catch (IllegalArgumentException ex) {
            why = ex.getMessage();
        }
        if (why == null && clientId.isEmpty()) {
            why = "has no client id";
        }
        endpoints = e;
        problem = why;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return name;
    }

    @Override
    public List<Flow> flows() {
        return List.of(flow);
    }

    @Override
    public ProviderEndpoints endpoints() throws ProviderException {
        if (problem != null) {
            throw new ProviderException("The provider '" + id + "' " + problem + ": check its settings.", false);
        }
        return endpoints;
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        return scopes.getOrDefault(protocol, List.of());
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String clientSecret() {
        return clientSecret;
    }

    @Override
    public Map<String, String> authorizationParameters() {
        return authorizationParameters;
    }

    @Override
    public Set<String> mailHosts() {
        return hosts;
    }

    @Override
    public String toString() {
        return "OidcProvider[" + id + "]";
    }

    private static URI uri(String what, String value) {
        if (blank(value)) {
            return null;
        }
        try {
            URI u = new URI(value.trim());
            if (!u.isAbsolute() || u.getHost() == null) {
                throw new IllegalArgumentException("has an " + what + " that is not an absolute address");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("has an " + what + " that is not an address");
        }
    }

    private static List<String> split(String scopes) {
        return blank(scopes) ? List.of() : List.of(scopes.trim().split("\\s+"));
    }

    private static Map<String, String> parameters(String[] pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair == null ? -1 : pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return Map.copyOf(out);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
