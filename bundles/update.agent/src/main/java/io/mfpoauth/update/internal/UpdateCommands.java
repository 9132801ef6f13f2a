package io.mfpoauth.update.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.mfpoauth.update.FeatureBundle;
import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateAgent;
import io.mfpoauth.update.UpdateException;

/**
 * The console commands {@code mfp:install <archive>}, {@code mfp:remove <feature>} and {@code mfp:features}. Gogo
 * finds commands by these service properties alone, so this bundle does not import Gogo and resolves without it.
 * A refused or failed operation prints the agent's message, never a stack trace.
 */
@Component(service = UpdateCommands.class, property = {
    "osgi.command.scope=mfp",
    "osgi.command.function=install",
    "osgi.command.function=remove",
    "osgi.command.function=features"
})
public final class UpdateCommands {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final UpdateAgent agent;

    @Activate
    public UpdateCommands(@Reference UpdateAgent agent) {
        this.agent = agent;
    }

    /** {@code mfp:install <archive>}: installs (or updates to) the feature in a feature archive. */
    public String install(String archive) {
        Path path;
        try {
            path = Path.of(archive);
        } catch (InvalidPathException e) {
            return "Not installed: \"" + archive + "\" is not a file name";
        }
        try {
            List<String> before = agent.features().stream().map(f -> f.id).toList();
            InstalledFeature feature = agent.install(path);
            return (before.contains(feature.id) ? "Installed already, nothing changed:\n" : "Installed:\n")
                    + describe(feature);
        } catch (UpdateException e) {
            return "Not installed: " + e.getMessage();
        }
    }

    /** {@code mfp:remove <feature>}: removes an installed feature (its id, group:artifact, or artifact). */
    public String remove(String feature) {
        try {
            agent.remove(feature);
            return "Removed " + feature;
        } catch (UpdateException e) {
            return "Not removed: " + e.getMessage();
        }
    }

    /** {@code mfp:features}: the installed features and the state of their bundles. */
    public String features() {
        List<InstalledFeature> features = agent.features();
        if (features.isEmpty()) {
            return "No features installed by the update agent";
        }
        StringBuilder text = new StringBuilder();
        for (InstalledFeature feature : features) {
            text.append(describe(feature));
        }
        return text.toString().stripTrailing();
    }

    static String describe(InstalledFeature feature) {
        StringBuilder text = new StringBuilder();
        text.append(feature.name).append(' ').append(feature.version).append("  (").append(feature.id)
                .append(", installed ").append(WHEN.format(Instant.ofEpochMilli(feature.installedAt).atZone(ZoneId.systemDefault())))
                .append(")\n");
        for (FeatureBundle bundle : feature.bundles) {
            text.append(String.format(Locale.ROOT, "  %5s  %-11s %s %s%s%n", bundle.bundleId < 0 ? "-" : Long.toString(bundle.bundleId),
                    bundle.state, bundle.symbolicName, bundle.version, bundle.owned ? "" : "  (shared, not owned)"));
        }
        for (String pid : feature.configurations) {
            text.append("  configuration ").append(pid).append('\n');
        }
        return text.toString();
    }
}
