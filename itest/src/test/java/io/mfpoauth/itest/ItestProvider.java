package io.mfpoauth.itest;

import java.util.List;
import java.util.Set;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/** A device-flow provider registered by the test itself, as a provider bundle of a firmware update would. */
public final class ItestProvider implements OAuthProvider {
    private final String id;
    private final ProviderEndpoints endpoints;

    ItestProvider(String id, DeviceFlowServer server) {
        this(id, new ProviderEndpoints(server.uri("/token"), server.uri("/device"), null, server.uri("/revoke")));
    }

    /** A provider at the endpoints of another test server. */
    public ItestProvider(String id, ProviderEndpoints endpoints) {
        this.id = id;
        this.endpoints = endpoints;
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
        return endpoints;
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
