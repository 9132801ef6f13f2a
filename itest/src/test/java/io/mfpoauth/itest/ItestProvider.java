package io.mfpoauth.itest;

import java.util.List;
import java.util.Set;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/** A provider registered by the test itself, as a provider bundle of a firmware update would. */
final class ItestProvider implements OAuthProvider {
    private final String id;
    private final DeviceFlowServer server;

    ItestProvider(String id, DeviceFlowServer server) {
        this.id = id;
        this.server = server;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Integration test " + id;
    }

    @Override
    public List<Flow> flows() {
        return List.of(Flow.DEVICE_CODE);
    }

    @Override
    public ProviderEndpoints endpoints() {
        return new ProviderEndpoints(server.uri("/token"), server.uri("/device"), null, server.uri("/revoke"));
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        return List.of("mail", "offline_access");
    }

    @Override
    public String clientId() {
        return "itest-device";
    }

    @Override
    public Set<String> mailHosts() {
        return Set.of("mail.example.test");
    }
}
