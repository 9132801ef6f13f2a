package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateAgent;
import io.mfpoauth.update.UpdateException;

/** Feature archives (firmware updates) through the update agent: list, install, remove. */
final class FeatureApi {
    private final Backends backends;

    FeatureApi(Backends backends) {
        this.backends = backends;
    }

    void routes(Router<Handler> router) {
        router.add("GET", "/features", call -> {
            ArrayNode array = Json.array();
            backends.updateAgent().features().forEach(f -> array.add(Views.feature(f)));
            return Reply.ok(array);
        }).add("POST", "/features", this::install).add("DELETE", "/features/{name}", this::remove);
    }

    /**
     * A feature archive in the body ({@code application/zip}, at most 32 MiB), streamed to a temporary file and
     * installed → 200 with the installed feature. Refused: 409 when it conflicts with what is installed (an older
     * version of an installed feature, a bundle that does not resolve or start, a bundle outside the feature that
     * would have to restart), else 400 (not a zip, a bad feature.json, a missing bundle...); either way the update
     * agent undid everything.
     */
    private Reply install(Call call) throws ApiException, IOException {
        UpdateAgent agent = backends.updateAgent();
        // Windows browsers label a zip file application/x-zip-compressed.
        Bodies.requireType(call.request().getContentType(), "application/zip", "application/x-zip-compressed");
        Bodies.checkDeclared(call.request().getContentLengthLong(), Bodies.FEATURE_LIMIT);
        Path archive = OwnerOnlyFiles.temporaryFile(backends.temporaryFolder(), "feature-");
        try {
            Bodies.copy(call.request().getInputStream(), call.request().getContentLengthLong(), Bodies.FEATURE_LIMIT,
                    archive);
            return Reply.ok(Views.feature(agent.install(archive)));
        } catch (UpdateException e) {
            boolean conflict = e.bundle() != null || (e.featureId() != null
                    && agent.features().stream().anyMatch(f -> sameFeature(f.id, e.featureId())));
            throw conflict ? ApiException.conflict(e.getMessage()) : ApiException.badRequest(null, e.getMessage());
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** Removes an installed feature (by id, group:artifact or artifact) → 204; 404 unknown; 409 refused. */
    private Reply remove(Call call) throws ApiException {
        UpdateAgent agent = backends.updateAgent();
        String name = call.parameter("name");
        if (agent.features().stream().noneMatch(f -> names(f, name))) {
            throw ApiException.notFound();
        }
        try {
            agent.remove(name);
            return Reply.noContent();
        } catch (UpdateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** Whether {@code name} is the feature's id, its {@code group:artifact}, or its artifact. */
    static boolean names(InstalledFeature feature, String name) {
        if (feature.id == null) {
            return false;
        }
        String[] parts = feature.id.split(":");
        return feature.id.equals(name) || (parts.length >= 2
                && (name.equals(parts[0] + ":" + parts[1]) || name.equals(parts[1])));
    }

    /** Whether two feature ids have the same group and artifact (whatever their versions). */
    static boolean sameFeature(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String[] x = a.split(":");
        String[] y = b.split(":");
        return x.length >= 2 && y.length >= 2 && x[0].equals(y[0]) && x[1].equals(y[1]);
    }
}
