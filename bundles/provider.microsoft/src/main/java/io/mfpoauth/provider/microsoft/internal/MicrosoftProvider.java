package io.mfpoauth.provider.microsoft.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.OAuthError;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;
import io.mfpoauth.token.spi.RequireTokenService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Microsoft 365 / Exchange Online through the Microsoft identity platform (v2.0 endpoints), with the device code
 * flow: the printer shows a code, the administrator signs in at microsoft.com/devicelogin on any device.
 * Microsoft offers no RFC 7009 revocation endpoint, so a deleted token is only erased on the device.
 */
@RequireTokenService
@Component(service = OAuthProvider.class, configurationPid = "io.mfpoauth.provider.microsoft",
        property = OAuthProvider.ID_PROPERTY + "=" + MicrosoftProvider.ID)
@Designate(ocd = MicrosoftConfig.class)
public final class MicrosoftProvider implements OAuthProvider {
    static final String ID = "microsoft";
    private static final String RESOURCE = "https://outlook.office.com/";
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,100}");

    private volatile Settings settings;

    /** One immutable reading of the configuration, swapped whole so a change never mixes old and new values. */
    private record Settings(String clientId, String tenant, URI authority, Set<String> hosts, String problem) {
    }

    @Activate
    public MicrosoftProvider(MicrosoftConfig config) {
        settings = read(config);
    }

    /** A changed tenant or client id applies to the next request; the service stays registered throughout. */
    @Modified
    void modified(MicrosoftConfig config) {
        settings = read(config);
    }

    static Settings read(MicrosoftConfig config) {
        String clientId = config.clientId() == null ? "" : config.clientId().trim();
        String tenant = config.tenant() == null || config.tenant().isBlank() ? "organizations" : config.tenant().trim();
        Set<String> hosts = Arrays.stream(config.hosts()).filter(h -> h != null && !h.isBlank())
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        String problem = null;
        URI authority = null;
        try {
            authority = URI.create(config.authority().trim().replaceAll("/+$", ""));
            if (!authority.isAbsolute() || authority.getHost() == null) {
                problem = "the authority host is not an absolute address";
            }
        } catch (RuntimeException e) {
            problem = "the authority host is not an address";
        }
        if (!TENANT.matcher(tenant).matches()) {
            problem = "the tenant must be a tenant id or domain, organizations, consumers or common";
        } else if (clientId.isEmpty()) {
            problem = "has no client id: set the application (client) id of the app registration";
        }
        return new Settings(clientId, tenant, authority, hosts, problem);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Microsoft 365 / Exchange Online";
    }

    @Override
    public List<Flow> flows() {
        return List.of(Flow.DEVICE_CODE);
    }

    @Override
    public ProviderEndpoints endpoints() throws ProviderException {
        Settings s = settings;
        if (s.problem() != null) {
            throw new ProviderException("Microsoft 365: " + s.problem() + ".", false);
        }
        String base = s.authority() + "/" + s.tenant() + "/oauth2/v2.0/";
        return new ProviderEndpoints(URI.create(base + "token"), URI.create(base + "devicecode"),
                URI.create(base + "authorize"), null);
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        switch (protocol) {
            case SMTP:
                return List.of(RESOURCE + "SMTP.Send", "offline_access");
            case POP3:
                return List.of(RESOURCE + "POP.AccessAsUser.All", "offline_access");
            case IMAP:
                return List.of(RESOURCE + "IMAP.AccessAsUser.All", "offline_access");
            default:
                return List.of();
        }
    }

    @Override
    public String clientId() {
        return settings.clientId();
    }

    @Override
    public Set<String> mailHosts() {
        return settings.hosts();
    }

    @Override
    public ErrorVerdict classify(OAuthError error) {
        return MicrosoftErrors.classify(error);
    }
}
