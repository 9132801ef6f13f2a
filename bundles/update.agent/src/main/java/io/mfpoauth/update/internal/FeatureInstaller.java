package io.mfpoauth.update.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.Logger;

import io.mfpoauth.update.FeatureBundle;
import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateException;
import io.mfpoauth.update.internal.FeatureRecord.BundleRecord;
import io.mfpoauth.update.internal.FeatureRecord.ConfigRecord;

/**
 * Installs, replaces and removes features in the running framework, one operation at a time, and remembers them in
 * the agent's folder: {@code installed.json} (the {@link StateFile}) and {@code archives/} (a copy of each installed
 * archive, to install it again when the framework starts without its bundles, which the firmware's launcher does on
 * every start).
 * <p>
 * Only bundles the operation installs or uninstalls are stopped, started or refreshed: a bundle the feature merely
 * uses (the image's, or another feature's) is never touched, and an operation that would make the framework refresh a
 * bundle outside the feature is refused instead.
 */
final class FeatureInstaller {

    /** Location prefix of the bundles this agent installs: {@code mfpoauth-update:<symbolic name>/<version>}. */
    static final String LOCATION_PREFIX = "mfpoauth-update:";
    private static final String CONFIGURATION_LOCATION = "?";
    private static final int MAX_REASON = 1500;

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final ConfigurationAdmin configurationAdmin;
    private final Logger log;
    private final Limits limits;
    private final Duration timeout;
    private final Path archives;
    private final Path incoming;
    private final StateFile state;
    /** Installed features by key (group:artifact), in the order they were installed. */
    private Map<String, FeatureRecord> records = new LinkedHashMap<>();
    private boolean closed;

    FeatureInstaller(BundleContext context, ConfigurationAdmin configurationAdmin, Logger log, Path folder,
            Limits limits, Duration timeout) {
        this.context = context;
        this.wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        this.configurationAdmin = configurationAdmin;
        this.log = log;
        this.limits = limits;
        this.timeout = timeout;
        this.archives = folder.resolve("archives");
        this.incoming = folder.resolve("incoming");
        this.state = new StateFile(folder.resolve("installed.json"));
    }

    /** Reads the list of installed features. A damaged list is set aside (renamed) and the agent starts with none. */
    synchronized void load() {
        try {
            Map<String, FeatureRecord> loaded = new LinkedHashMap<>();
            for (FeatureRecord record : state.read()) {
                loaded.put(record.key(), record);
            }
            records = loaded;
        } catch (IOException e) {
            Path aside = state.path().resolveSibling(state.path().getFileName() + ".unreadable-" + System.currentTimeMillis());
            log.error("The list of installed features cannot be read (" + e.getMessage() + "); it is kept as " + aside
                    + " and the agent starts with no installed features");
            try {
                Files.move(state.path(), aside);
            } catch (IOException moveFailed) {
                log.error("Could not set aside " + state.path() + ": " + moveFailed.getMessage());
            }
        }
        deleteLeftovers();
    }

    /**
     * After a start of the framework: installs again, from the kept archive copies, every feature whose bundles
     * are not all there (the firmware's launcher starts the framework with an empty bundle cache).
     */
    synchronized void restore() {
        for (FeatureRecord record : List.copyOf(records.values())) {
            if (closed) {
                return;
            }
            List<BundleRecord> missing = record.bundles().stream()
                    .filter(b -> find(b.symbolicName(), b.version()) == null).toList();
            if (missing.isEmpty()) {
                continue;
            }
            Path copy = archives.resolve(record.archive());
            if (!Files.isRegularFile(copy)) {
                log.error("Feature " + record.id() + " cannot be restored: " + missing.size()
                        + " of its bundles are missing and its archive copy " + copy + " is gone; remove it (mfp:remove "
                        + record.coordinates().artifactId() + ") and install it again");
                continue;
            }
            try {
                install(copy, record);
                log.info("Feature " + record.id() + " restored from " + copy);
            } catch (UpdateException e) {
                log.error("Feature " + record.id() + " could not be restored: " + e.getMessage());
            }
        }
    }

    /** Refuses further operations; one in progress ends first (callers hold the monitor). */
    synchronized void close() {
        closed = true;
    }

    synchronized List<InstalledFeature> features() {
        return records.values().stream().sorted(Comparator.comparing(FeatureRecord::id)).map(this::dto).toList();
    }

    synchronized InstalledFeature install(Path archive) throws UpdateException {
        return dto(install(archive, null));
    }

    /**
     * @param restoring the record of a feature being restored after a restart (its archive copy is installed
     *        again, whatever its version), or null for an installation the administrator asked for
     */
    private FeatureRecord install(Path source, FeatureRecord restoring) throws UpdateException {
        if (closed) {
            throw new UpdateException("The update agent is stopping; try again when it runs");
        }
        Path staged = stage(source);
        try (FeatureArchive archive = open(staged, source)) {
            FeatureDescription description = archive.description();
            String featureId = description.id().toString();
            FeatureRecord existing = records.get(description.id().key());
            if (restoring != null) {
                if (!restoring.key().equals(description.id().key())) {
                    throw new UpdateException("The archive copy " + source + " holds " + featureId + ", not "
                            + restoring.id(), featureId, null, null);
                }
            } else if (existing != null) {
                int order = Coordinates.compareVersions(description.id().version(), existing.version());
                if (order == 0) {
                    log.info("Feature " + featureId + " is installed already: nothing to do");
                    return existing;
                }
                if (order < 0) {
                    throw new UpdateException("Feature " + featureId + " is older than the installed " + existing.id()
                            + "; remove that first (mfp:remove " + existing.key() + ") to go back to an older version",
                            featureId, null, null);
                }
            }
            return apply(archive, staged, existing, restoring != null);
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                log.warn("Could not delete " + staged + ": " + e.getMessage());
            }
        }
    }

    private FeatureRecord apply(FeatureArchive archive, Path staged, FeatureRecord existing, boolean restoring)
            throws UpdateException {
        FeatureDescription description = archive.description();
        String featureId = description.id().toString();
        Map<String, FeatureRecord> next = new LinkedHashMap<>(records);
        next.remove(description.id().key());

        // The bundles the installed version owns and this one does not list leave (unless another feature uses them,
        // which then takes them over).
        Set<String> listed = archive.bundles().stream().map(b -> b.symbolicName() + " " + b.version())
                .collect(Collectors.toSet());
        List<Bundle> leaving = new ArrayList<>();
        if (existing != null) {
            for (BundleRecord old : existing.bundles()) {
                if (!old.owned() || listed.contains(old.symbolicName() + " " + old.version())) {
                    continue;
                }
                FeatureRecord user = firstUser(next.values(), old);
                if (user != null) {
                    next.put(user.key(), user.owning(old.symbolicName(), old.version()));
                    continue;
                }
                Bundle bundle = find(old.symbolicName(), old.version());
                if (bundle != null && isOurs(bundle)) {
                    leaving.add(bundle);
                }
            }
            checkNoOutsideDependents(leaving, existing, featureId, "updated");
        }

        Undo undo = new Undo();
        List<BundleRecord> bundleRecords = new ArrayList<>();
        List<Bundle> fresh = new ArrayList<>();
        List<ConfigRecord> configRecords = new ArrayList<>();
        String archiveName = description.id().artifactId() + "-" + description.id().version() + ".zip";
        Path kept = archives.resolve(archiveName);
        boolean keptIsNew = existing == null || !existing.archive().equals(archiveName);
        try {
            for (Bundle bundle : reversed(leaving)) {
                if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
                    stop(bundle, featureId);
                    undo.stopped.add(bundle);
                }
            }
            for (ArchivedBundle bundle : archive.bundles()) {
                Bundle present = find(bundle.symbolicName(), bundle.version());
                if (present != null) {
                    boolean owned = existing != null && existing.owns(bundle.symbolicName(), bundle.version().toString())
                            && isOurs(present);
                    bundleRecords.add(new BundleRecord(bundle.symbolicName(), bundle.version().toString(), owned));
                    continue;
                }
                Bundle installed = installBundle(archive, bundle, featureId);
                undo.installed.add(installed);
                fresh.add(installed);
                bundleRecords.add(new BundleRecord(bundle.symbolicName(), bundle.version().toString(), true));
            }
            for (Map.Entry<String, Map<String, Object>> configuration : description.configurations().entrySet()) {
                String pid = configuration.getKey();
                boolean created = applyConfiguration(pid, configuration.getValue(), undo, featureId);
                configRecords.add(new ConfigRecord(pid, created || existing != null && existing.created(pid)));
            }
            resolve(fresh, featureId);
            for (Bundle bundle : fresh) {
                if (!isFragment(bundle)) {
                    start(bundle, featureId);
                }
            }

            long installedAt = restoring ? existing.installedAt() : System.currentTimeMillis();
            FeatureRecord record = new FeatureRecord(featureId, description.displayName(), installedAt, archiveName,
                    bundleRecords, configRecords);
            next.put(record.key(), record);
            try {
                Files.createDirectories(archives);
                Files.move(staged, kept, StandardCopyOption.REPLACE_EXISTING);
                StateFile.forceFolder(archives);
                state.write(List.copyOf(next.values()));
            } catch (IOException e) {
                if (keptIsNew) {
                    Files.deleteIfExists(kept);
                }
                throw new UpdateException("Feature " + featureId + " was not installed: the agent could not save it in "
                        + archives.getParent() + " (" + e.getMessage() + "). Everything it changed was undone.",
                        featureId, null, e);
            }
            records = next;
        } catch (UpdateException e) {
            rollback(undo, featureId);
            throw e;
        } catch (IOException | RuntimeException e) {
            rollback(undo, featureId);
            throw new UpdateException("Feature " + featureId + " was not installed: " + e
                    + ". Everything the installation changed was undone.", featureId, null, e);
        }

        // Committed: now the old version's leftovers go. Failures here are logged; the new version is in place.
        uninstall(leaving, featureId);
        if (existing != null) {
            for (ConfigRecord old : existing.configurations()) {
                if (old.created() && !description.configurations().containsKey(old.pid())
                        && next.values().stream().noneMatch(f -> f.configurations().stream().anyMatch(c -> c.pid().equals(old.pid())))) {
                    deleteConfiguration(old.pid(), featureId);
                }
            }
            if (!existing.archive().equals(archiveName)) {
                deleteQuietly(archives.resolve(existing.archive()));
            }
        }
        FeatureRecord record = records.get(description.id().key());
        log.info((existing == null || restoring ? "Installed feature " : "Updated feature " + existing.id() + " to ")
                + featureId + ": " + record.bundles().stream()
                .map(b -> b.symbolicName() + " " + b.version() + (b.owned() ? "" : " (already there)"))
                .collect(Collectors.joining(", ")));
        return record;
    }

    synchronized void remove(String query) throws UpdateException {
        if (closed) {
            throw new UpdateException("The update agent is stopping; try again when it runs");
        }
        FeatureRecord record = lookup(query);
        String featureId = record.id();
        Map<String, FeatureRecord> next = new LinkedHashMap<>(records);
        next.remove(record.key());

        List<Bundle> leaving = new ArrayList<>();
        for (BundleRecord owned : record.bundles()) {
            if (!owned.owned()) {
                continue;
            }
            FeatureRecord user = firstUser(next.values(), owned);
            if (user != null) {
                next.put(user.key(), user.owning(owned.symbolicName(), owned.version()));
                continue;
            }
            Bundle bundle = find(owned.symbolicName(), owned.version());
            if (bundle != null && isOurs(bundle)) {
                leaving.add(bundle);
            }
        }
        checkNoOutsideDependents(leaving, record, featureId, "removed");

        try {
            state.write(List.copyOf(next.values()));
        } catch (IOException e) {
            throw new UpdateException("Feature " + featureId + " was not removed: the agent could not save the list of"
                    + " installed features (" + e.getMessage() + ")", featureId, null, e);
        }
        records = next;
        for (Bundle bundle : reversed(leaving)) {
            try {
                if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
                    bundle.stop();
                }
            } catch (BundleException | IllegalStateException e) {
                log.warn("Feature " + featureId + ": " + label(bundle) + " did not stop cleanly: " + e.getMessage());
            }
        }
        uninstall(leaving, featureId);
        for (ConfigRecord configuration : record.configurations()) {
            if (configuration.created() && next.values().stream()
                    .noneMatch(f -> f.configurations().stream().anyMatch(c -> c.pid().equals(configuration.pid())))) {
                deleteConfiguration(configuration.pid(), featureId);
            }
        }
        deleteQuietly(archives.resolve(record.archive()));
        log.info("Removed feature " + featureId + (leaving.isEmpty() ? "" : ": uninstalled "
                + leaving.stream().map(FeatureInstaller::label).collect(Collectors.joining(", "))));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Copies the archive into the agent's folder first: what is checked is then exactly what is installed. */
    private Path stage(Path source) throws UpdateException {
        if (!Files.isRegularFile(source)) {
            throw new UpdateException("There is no archive " + source);
        }
        Path staged = incoming.resolve(UUID.randomUUID() + ".zip");
        try {
            Files.createDirectories(incoming);
            try (InputStream in = new LimitedInputStream(Files.newInputStream(source), limits.maxArchiveBytes(),
                    "The archive " + source.getFileName())) {
                Files.copy(in, staged);
            }
            return staged;
        } catch (LimitedInputStream.LimitExceededException e) {
            deleteQuietly(staged);
            throw new UpdateException(e.getMessage());
        } catch (IOException e) {
            deleteQuietly(staged);
            throw new UpdateException("The archive " + source + " cannot be read: " + e.getMessage(), e);
        }
    }

    private FeatureArchive open(Path staged, Path source) throws UpdateException {
        try {
            return FeatureArchive.open(staged, limits);
        } catch (UpdateException e) {
            // Name the file the administrator gave, not the staged copy.
            throw new UpdateException(e.getMessage().replace(staged.getFileName().toString(),
                    String.valueOf(source.getFileName())), e.featureId(), e.bundle(), null);
        }
    }

    private Bundle installBundle(FeatureArchive archive, ArchivedBundle bundle, String featureId) throws UpdateException {
        String location = LOCATION_PREFIX + bundle.symbolicName() + "/" + bundle.version();
        Bundle taken = context.getBundle(location);
        if (taken != null) {
            throw failure(featureId, bundle.symbolicName(), bundle.label() + " cannot be installed: the location "
                    + location + " is taken by " + label(taken));
        }
        try (InputStream in = archive.open(bundle)) {
            return context.installBundle(location, in);
        } catch (BundleException | IOException e) {
            throw failure(featureId, bundle.symbolicName(), bundle.label() + " cannot be installed: " + reason(e));
        }
    }

    /** @return whether the configuration was created (it did not exist before) */
    private boolean applyConfiguration(String pid, Map<String, Object> properties, Undo undo, String featureId)
            throws UpdateException {
        try {
            String factoryPid = ConfigValues.factoryPid(pid);
            Configuration configuration = factoryPid == null
                    ? configurationAdmin.getConfiguration(pid, CONFIGURATION_LOCATION)
                    : configurationAdmin.getFactoryConfiguration(factoryPid, ConfigValues.factoryName(pid), CONFIGURATION_LOCATION);
            Dictionary<String, Object> before = configuration.getProperties();
            if (ConfigValues.sameProperties(before, properties)) {
                return false;
            }
            configuration.update(new Hashtable<>(properties));
            undo.configurations.add(new ConfigChange(configuration, pid, before == null ? null : copy(before)));
            return before == null;
        } catch (IOException | RuntimeException e) {
            throw failure(featureId, null, "the configuration " + pid + " cannot be applied: " + reason(e));
        }
    }

    private void resolve(List<Bundle> fresh, String featureId) throws UpdateException {
        if (fresh.isEmpty()) {
            return;
        }
        if (wiring.resolveBundles(fresh)) {
            return;
        }
        for (Bundle bundle : fresh) {
            if (bundle.getState() != Bundle.INSTALLED) {
                continue;
            }
            String why;
            if (isFragment(bundle)) {
                why = "the fragment cannot attach to a host (its host must come with the feature, or not be resolved yet)";
            } else {
                try {
                    // Starting an unresolved bundle makes the framework resolve it alone and say what is missing.
                    bundle.start(Bundle.START_TRANSIENT);
                    continue;
                } catch (BundleException | IllegalStateException e) {
                    why = reason(e);
                }
            }
            throw failure(featureId, bundle.getSymbolicName(), label(bundle) + " cannot be resolved: " + why);
        }
    }

    private void start(Bundle bundle, String featureId) throws UpdateException {
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            throw failure(featureId, bundle.getSymbolicName(), label(bundle) + " cannot be started: " + reason(e));
        }
    }

    private void stop(Bundle bundle, String featureId) throws UpdateException {
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            throw failure(featureId, bundle.getSymbolicName(), label(bundle) + " cannot be stopped: " + reason(e));
        }
    }

    private static UpdateException failure(String featureId, String bundle, String what) {
        return new UpdateException("Feature " + featureId + " was not installed: " + what
                + ". Everything the installation changed was undone.", featureId, bundle, null);
    }

    /**
     * Refuses an operation whose refresh would reach a bundle the feature does not own: the framework refreshes
     * every bundle wired to an uninstalled one, and the agent never restarts what is not the feature's.
     */
    private void checkNoOutsideDependents(List<Bundle> leaving, FeatureRecord feature, String featureId, String verb)
            throws UpdateException {
        if (leaving.isEmpty()) {
            return;
        }
        List<String> outside = new ArrayList<>();
        for (Bundle bundle : wiring.getDependencyClosure(leaving)) {
            if (!leaving.contains(bundle) && bundle.getState() != Bundle.UNINSTALLED
                    && !feature.owns(bundle.getSymbolicName(), bundle.getVersion().toString())) {
                outside.add(label(bundle));
            }
        }
        if (!outside.isEmpty()) {
            throw new UpdateException("Feature " + featureId + " cannot be " + verb + ": " + String.join(", ", outside)
                    + " (not part of it) " + (outside.size() == 1 ? "uses" : "use") + " its bundle"
                    + (leaving.size() == 1 ? " " : "s ")
                    + leaving.stream().map(FeatureInstaller::label).collect(Collectors.joining(", "))
                    + ", and would have to be restarted; remove or update " + (outside.size() == 1 ? "that" : "those")
                    + " first", featureId, null, null);
        }
    }

    private void rollback(Undo undo, String featureId) {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : reversed(undo.installed)) {
            try {
                bundle.uninstall();
            } catch (BundleException | IllegalStateException e) {
                problems.add("uninstalling " + label(bundle) + ": " + e.getMessage());
            }
        }
        refresh(undo.installed);
        for (ConfigChange change : reversed(undo.configurations)) {
            try {
                if (change.before() == null) {
                    change.configuration().delete();
                } else {
                    change.configuration().update(change.before());
                }
            } catch (IOException | IllegalStateException e) {
                problems.add("restoring the configuration " + change.pid() + ": " + e.getMessage());
            }
        }
        for (Bundle bundle : undo.stopped) {
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                problems.add("restarting " + label(bundle) + ": " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            log.info("Feature " + featureId + " was not installed; what the installation did was undone");
        } else {
            log.error("Feature " + featureId + " was not installed, and undoing it was incomplete: "
                    + String.join("; ", problems));
        }
    }

    private void uninstall(List<Bundle> bundles, String featureId) {
        for (Bundle bundle : reversed(bundles)) {
            try {
                bundle.uninstall();
            } catch (BundleException | IllegalStateException e) {
                log.error("Feature " + featureId + ": " + label(bundle) + " could not be uninstalled: " + e.getMessage());
            }
        }
        refresh(bundles);
    }

    /** Refreshes exactly these bundles (and what is wired to them, which the callers checked is theirs). */
    private void refresh(Collection<Bundle> bundles) {
        if (bundles.isEmpty()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        try {
            wiring.refreshBundles(List.copyOf(bundles), event -> done.countDown());
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The framework did not finish refreshing " + bundles.size() + " bundles within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            log.warn("Could not refresh bundles: " + e.getMessage());
        }
    }

    private void deleteConfiguration(String pid, String featureId) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + escape(pid) + ")");
            if (found != null) {
                for (Configuration configuration : found) {
                    configuration.delete();
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            log.error("Feature " + featureId + ": the configuration " + pid + " could not be deleted: " + e.getMessage());
        }
    }

    private FeatureRecord lookup(String query) throws UpdateException {
        String wanted = query == null ? "" : query.strip();
        if (wanted.isEmpty()) {
            throw new UpdateException("Name the feature to remove (its id, group:artifact, or artifact)");
        }
        for (FeatureRecord record : records.values()) {
            if (record.id().equals(wanted) || record.key().equals(wanted)) {
                return record;
            }
        }
        List<FeatureRecord> matches = records.values().stream()
                .filter(r -> r.coordinates().artifactId().equals(wanted) || r.name().equalsIgnoreCase(wanted)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new UpdateException("\"" + wanted + "\" names more than one installed feature: "
                    + matches.stream().map(FeatureRecord::key).collect(Collectors.joining(", ")) + "; give group:artifact");
        }
        throw new UpdateException("No feature \"" + wanted + "\" is installed; installed: " + (records.isEmpty() ? "none"
                : records.values().stream().map(FeatureRecord::id).sorted().collect(Collectors.joining(", "))));
    }

    private static FeatureRecord firstUser(Collection<FeatureRecord> features, BundleRecord bundle) {
        for (FeatureRecord feature : features) {
            if (feature.uses(bundle.symbolicName(), bundle.version())) {
                return feature;
            }
        }
        return null;
    }

    private InstalledFeature dto(FeatureRecord record) {
        InstalledFeature feature = new InstalledFeature();
        feature.id = record.id();
        feature.name = record.name();
        feature.version = record.version();
        feature.installedAt = record.installedAt();
        feature.configurations = record.configurations().stream().map(ConfigRecord::pid).toList();
        List<FeatureBundle> bundles = new ArrayList<>();
        for (BundleRecord b : record.bundles()) {
            Bundle bundle = find(b.symbolicName(), b.version());
            FeatureBundle dto = new FeatureBundle();
            dto.symbolicName = b.symbolicName();
            dto.version = b.version();
            dto.bundleId = bundle == null ? -1 : bundle.getBundleId();
            dto.state = bundle == null ? "MISSING" : stateName(bundle.getState());
            dto.owned = b.owned();
            bundles.add(dto);
        }
        feature.bundles = bundles;
        return feature;
    }

    private Bundle find(String symbolicName, String version) {
        Version wanted;
        try {
            wanted = Version.parseVersion(version);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return find(symbolicName, wanted);
    }

    private Bundle find(String symbolicName, Version version) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && version.equals(bundle.getVersion())
                    && bundle.getState() != Bundle.UNINSTALLED) {
                return bundle;
            }
        }
        return null;
    }

    private void deleteLeftovers() {
        if (!Files.isDirectory(incoming)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming)) {
            for (Path file : files) {
                deleteQuietly(file);
            }
        } catch (IOException e) {
            log.warn("Could not clean " + incoming + ": " + e.getMessage());
        }
    }

    private void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete " + file + ": " + e.getMessage());
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN";
        };
    }

    private static String label(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion();
    }

    /**
     * Whether this agent installed the bundle. A feature's record may say it owns a bundle that is now the image's
     * (a newer image took it in, and the restore after the restart found it there): that one is never uninstalled.
     */
    private static boolean isOurs(Bundle bundle) {
        return bundle.getLocation().startsWith(LOCATION_PREFIX);
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get(org.osgi.framework.Constants.FRAGMENT_HOST) != null;
    }

    /** The exception's own message (the framework's resolver and activator messages are the useful part), bounded. */
    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && !message.contains(e.getCause().getMessage())) {
            message += " (" + e.getCause() + ")";
        }
        return message.length() > MAX_REASON ? message.substring(0, MAX_REASON) + "..." : message;
    }

    private static String escape(String value) {
        StringBuilder text = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                text.append('\\');
            }
            text.append(c);
        }
        return text.toString();
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> properties) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            copy.put(key, properties.get(key));
        }
        return copy;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    /** What an installation did so far, to undo it. */
    private static final class Undo {
        final List<Bundle> installed = new ArrayList<>();
        final List<Bundle> stopped = new ArrayList<>();
        final List<ConfigChange> configurations = new ArrayList<>();
    }

    /** A configuration an installation created ({@code before} null) or changed. */
    private record ConfigChange(Configuration configuration, String pid, Dictionary<String, Object> before) {
    }
}
