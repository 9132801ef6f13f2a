package io.mfpoauth.admin.rest.internal;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.StoredMessage;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.update.FeatureBundle;
import io.mfpoauth.update.InstalledFeature;

/**
 * The JSON of each answer, field by field as the contract names them. Nothing here can write a token, a password or
 * a client secret: none of the objects read holds one, and only the named fields are copied.
 */
final class Views {
    private Views() {
    }

    /**
     * {@code TokenStatus}: {@code {"slot","provider","account","state","label":{"it","en"},"retrievedAt","expiresAt",
     * "error":{"code","message","transient"},"authorization":{"userCode","verificationUri","verificationUriComplete",
     * "expiresAt","authorizationUrl"}}}; times in milliseconds since the epoch, omitted when there is none.
     */
    static ObjectNode tokenStatus(TokenStatus status) {
        ObjectNode node = Json.object();
        Json.put(node, "slot", status.slot);
        Json.put(node, "provider", status.provider);
        Json.put(node, "account", status.account);
        if (status.state != null) {
            node.put("state", status.state.name());
            ObjectNode label = node.putObject("label");
            label.put("it", status.state.italian());
            label.put("en", status.state.english());
        }
        Json.putTime(node, "retrievedAt", status.retrievedAt);
        Json.putTime(node, "expiresAt", status.expiresAt);
        TokenError error = status.error;
        if (error != null) {
            ObjectNode e = node.putObject("error");
            Json.put(e, "code", error.code);
            Json.put(e, "message", error.message);
            e.put("transient", error.retryable);
        }
        PendingAuthorization pending = status.authorization;
        if (pending != null) {
            ObjectNode a = node.putObject("authorization");
            Json.put(a, "userCode", pending.userCode);
            Json.put(a, "verificationUri", pending.verificationUri);
            Json.put(a, "verificationUriComplete", pending.verificationUriComplete);
            Json.putTime(a, "expiresAt", pending.expiresAt);
            Json.put(a, "authorizationUrl", pending.authorizationUrl);
        }
        return node;
    }

    static ArrayNode tokenStatuses(List<TokenStatus> statuses) {
        ArrayNode array = Json.array();
        statuses.forEach(s -> array.add(tokenStatus(s)));
        return array;
    }

    /** A provider as listed: {@code {"id","name","flows":[...],"hosts":[...],"configurable"}}. */
    static ObjectNode provider(String id, String name, List<Flow> flows, List<String> hosts, boolean configurable) {
        return provider(id, name, flows, hosts, configurable, null);
    }

    /**
     * The same with the stored settings when it has some: {@code "issuer","clientId","tenant","authority",
     * "scopes":{"smtp","pop3"}}, each omitted when not stored, so the page fills its form with them (and saving it
     * does not blank them). {@link ProviderConfigs.Settings} holds no client secret.
     */
    static ObjectNode provider(String id, String name, List<Flow> flows, List<String> hosts, boolean configurable,
            ProviderConfigs.Settings settings) {
        ObjectNode node = Json.object();
        node.put("id", id);
        Json.put(node, "name", name);
        ArrayNode flowKeys = node.putArray("flows");
        if (flows != null) {
            flows.forEach(f -> flowKeys.add(flowKey(f)));
        }
        node.set("hosts", Json.strings(hosts == null ? List.of() : hosts.stream().sorted().toList()));
        node.put("configurable", configurable);
        if (settings != null) {
            Json.put(node, "issuer", settings.issuer());
            Json.put(node, "clientId", settings.clientId());
            Json.put(node, "tenant", settings.tenant());
            Json.put(node, "authority", settings.authority());
            if (settings.smtpScopes() != null || settings.pop3Scopes() != null) {
                ObjectNode scopes = node.putObject("scopes");
                Json.put(scopes, "smtp", settings.smtpScopes());
                Json.put(scopes, "pop3", settings.pop3Scopes());
            }
        }
        return node;
    }

    /** {@code device_code} or {@code authorization_code}. */
    static String flowKey(Flow flow) {
        return flow.name().toLowerCase(Locale.ROOT);
    }

    /** A connection test: {@code {"ok","code","message","serverReply"}}. */
    static ObjectNode testResult(TestResult result) {
        ObjectNode node = Json.object();
        node.put("ok", result.ok);
        Json.put(node, "code", result.code);
        Json.put(node, "message", result.message);
        Json.put(node, "serverReply", result.serverReply);
        return node;
    }

    /** A mailbox check: {@code {"ok","code","message","onServer","accepted","refused","deleted"}}. */
    static ObjectNode pollResult(PollResult result) {
        ObjectNode node = Json.object();
        node.put("ok", result.ok);
        Json.put(node, "code", result.code);
        Json.put(node, "message", result.message);
        node.put("onServer", result.onServer);
        node.put("accepted", result.accepted);
        node.put("refused", result.refused);
        node.put("deleted", result.deleted);
        return node;
    }

    /** A kept message: {@code {"id","from","subject","receivedAt","size"}}. */
    static ObjectNode storedMessage(StoredMessage message) {
        ObjectNode node = Json.object();
        Json.put(node, "id", message.id);
        Json.put(node, "from", message.from);
        Json.put(node, "subject", message.subject);
        Json.putTime(node, "receivedAt", message.receivedAt);
        node.put("size", message.size);
        return node;
    }

    /**
     * An installed feature, with the fields of the update agent's {@link InstalledFeature}: {@code {"id","name",
     * "version","bundles":[{"symbolicName","version","bundleId","state","owned"}],"configurations":[...],
     * "installedAt"}}.
     */
    static ObjectNode feature(InstalledFeature feature) {
        ObjectNode node = Json.object();
        Json.put(node, "id", feature.id);
        Json.put(node, "name", feature.name);
        Json.put(node, "version", feature.version);
        ArrayNode bundles = node.putArray("bundles");
        if (feature.bundles != null) {
            for (FeatureBundle bundle : feature.bundles) {
                ObjectNode b = bundles.addObject();
                Json.put(b, "symbolicName", bundle.symbolicName);
                Json.put(b, "version", bundle.version);
                b.put("bundleId", bundle.bundleId);
                Json.put(b, "state", bundle.state);
                b.put("owned", bundle.owned);
            }
        }
        node.set("configurations", Json.strings(feature.configurations));
        Json.putTime(node, "installedAt", feature.installedAt);
        return node;
    }
}
