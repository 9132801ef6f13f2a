package io.mfpoauth.token.service.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/** A provider pointing at a {@link FakeAuthServer}. */
class TestProvider implements OAuthProvider {
    private final String id;
    private final Flow flow;
    private final FakeAuthServer server;
    volatile String secret;

    TestProvider(String id, Flow flow, FakeAuthServer server) {
        this.id = id;
        this.flow = flow;
        this.server = server;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Test " + id;
    }

    @Override
    public List<Flow> flows() {
        return List.of(flow);
    }

    @Override
    public ProviderEndpoints endpoints() {
        return new ProviderEndpoints(server.uri("/token"), server.uri("/device"), server.uri("/authorize"),
                server.uri("/revoke"));
    }

    @Override
    public List<String> scopes(MailProtocol protocol) {
        return protocol == MailProtocol.IMAP ? List.of() : List.of("mail." + protocol.name().toLowerCase(), "offline_access");
    }

    @Override
    public String clientId() {
        return "device-client";
    }

    @Override
    public String clientSecret() {
        return secret;
    }

    @Override
    public Map<String, String> authorizationParameters() {
        return Map.of("access_type", "offline");
    }

    @Override
    public Set<String> mailHosts() {
        return Set.of("example.test");
    }
}
