package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.token.ProviderDTO;

/**
 * The providers: the list (installed ones, and generic ones configured but not running yet), the proposal for a mail
 * server, and their settings.
 */
final class ProviderApi {
    private final Backends backends;

    ProviderApi(Backends backends) {
        this.backends = backends;
    }

    void routes(Router<Handler> router) {
        router.add("GET", "/providers", call -> Reply.ok(list()))
                .add("GET", "/providers/proposal", this::proposal)
                .add("PUT", "/providers/{id}", this::put)
                .add("DELETE", "/providers/{id}", this::delete);
    }

    /**
     * {@code [{"id","name","flows","hosts","configurable"}]} with the stored settings of a configured one, by id;
     * configurable = a generic provider.
     */
    private ArrayNode list() throws IOException {
        Map<String, ObjectNode> byId = new TreeMap<>();
        ProviderConfigs configs = configs();
        Map<String, ProviderConfigs.Listed> generic = configs.generic();
        for (ProviderDTO provider : backends.tokens().providers()) {
            boolean configurable = ProviderConfigs.GENERIC_BUNDLE.equals(provider.bundle)
                    || generic.containsKey(provider.id);
            ProviderConfigs.Listed stored = generic.get(provider.id);
            ProviderConfigs.Settings settings = stored != null ? stored.settings()
                    : configs.bundledSettings(provider.id);
            byId.put(provider.id, Views.provider(provider.id, provider.name, provider.flows, provider.hosts,
                    configurable, settings));
        }
        generic.forEach((id, listed) -> byId.computeIfAbsent(id, k -> view(listed, true)));
        ArrayNode array = Json.array();
        byId.values().forEach(array::add);
        return array;
    }

    /** {@code ?host=<mail server>} → {@code {"provider":"<id>"}} or {@code {"provider":null}}. */
    private Reply proposal(Call call) throws ApiException {
        String host = call.request().getParameter("host");
        if (host == null || host.isBlank()) {
            throw ApiException.badRequest("host", "is required");
        }
        ObjectNode node = Json.object();
        String proposed = backends.tokens().proposeProvider(host.trim());
        if (proposed == null) {
            node.putNull("provider");
        } else {
            node.put("provider", proposed);
        }
        return Reply.ok(node);
    }

    /** A generic provider's settings ({@code "type":"oidc"}), or a bundled provider's own → the provider as listed. */
    private Reply put(Call call) throws ApiException, IOException {
        String id = call.parameter("id");
        if (!ProviderConfigs.ID.matcher(id).matches()) {
            throw ApiException.badRequest("id", "must be 1 to 32 of a-z, 0-9 and '-'");
        }
        ObjectNode body = call.json();
        String type = Json.text(body, "type");
        ProviderConfigs configs = configs();
        if (ProviderConfigs.isBundled(id)) {
            if (type != null && !type.equals(id)) {
                throw ApiException.conflict("'" + id + "' is a bundled provider: its settings are its own, not "
                        + type);
            }
            ProviderConfigs.Listed listed = configs.putBundled(id, body);
            ProviderDTO installed = installed(id);
            return Reply.ok(installed == null ? view(listed, false)
                    : Views.provider(id, installed.name, installed.flows,
                            listed.hosts() == null ? installed.hosts : listed.hosts(), false, listed.settings()));
        }
        ProviderDTO installed = installed(id);
        boolean configured = configs.generic().containsKey(id);
        if (installed != null && !configured && !ProviderConfigs.GENERIC_BUNDLE.equals(installed.bundle)) {
            throw ApiException.conflict("Provider '" + id + "' comes with its bundle " + installed.bundle
                    + "; it has no settings to change here");
        }
        if (!"oidc".equals(type) && !(type == null && configured)) {
            throw ApiException.badRequest("type", "must be oidc for a generic provider");
        }
        return Reply.ok(view(configs.putGeneric(id, body), true));
    }

    /** Removes a configured generic provider → 204; 409 for a bundled one; 404 for an unknown one. */
    private Reply delete(Call call) throws ApiException, IOException {
        String id = call.parameter("id");
        if (!ProviderConfigs.ID.matcher(id).matches()) {
            throw ApiException.notFound();
        }
        if (configs().deleteGeneric(id)) {
            return Reply.noContent();
        }
        if (ProviderConfigs.isBundled(id) || installed(id) != null) {
            throw ApiException.conflict("Provider '" + id + "' comes with its bundle and cannot be removed here; "
                    + "a firmware update removes it");
        }
        throw ApiException.notFound();
    }

    private ProviderDTO installed(String id) {
        return backends.tokens().providers().stream().filter(p -> id.equals(p.id)).findFirst().orElse(null);
    }

    private ProviderConfigs configs() {
        return new ProviderConfigs(backends.configurationAdmin());
    }

    private static ObjectNode view(ProviderConfigs.Listed listed, boolean configurable) {
        return Views.provider(listed.id(), listed.name(), listed.flows(), listed.hosts(), configurable,
                listed.settings());
    }
}
