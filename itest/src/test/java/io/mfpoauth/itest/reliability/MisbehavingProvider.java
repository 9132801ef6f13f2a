package io.mfpoauth.itest.reliability;

import java.util.List;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/** A device-flow provider registered by the test itself, pointing at a {@link MisbehavingTokenServer}. */
final class MisbehavingProvider implements OAuthProvider {
    private final String id;
    private final MisbehavingTokenServer server;

    MisbehavingProvider(String id, MisbehavingTokenServer server) {
        this.id = id;
        this.server = server;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Reliability test " + id;
    }

    @Override
    public List<Flow> flows() {
        return List.of(Flow.DEVICE_CODE);
    }

    @Override
    public ProviderEndpoints endpoints() {
        return new ProviderEndpoints(server.uri("/token"), server.uri("/device"), null, null);
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        return List.of("mail", "offline_access");
    }

    @Override
    public String clientId() {
        return "reliability-device";
    }
}
