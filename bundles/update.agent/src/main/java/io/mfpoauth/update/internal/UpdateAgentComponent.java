package io.mfpoauth.update.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.mfpoauth.update.InstalledFeature;
import io.mfpoauth.update.UpdateAgent;
import io.mfpoauth.update.UpdateException;

/**
 * The update agent: wires the {@link FeatureInstaller} to the framework. Its folder is {@code features/} in the
 * firmware's data folder (framework property {@code mfpoauth.data}, {@code ./data} by default).
 */
// Immediate: after a start of the framework it installs again the features the launcher's fresh bundle cache lost,
// whether or not anybody uses the service.
@Component(service = UpdateAgent.class, configurationPid = UpdateAgentComponent.PID, immediate = true)
@Designate(ocd = UpdateAgentConfig.class)
public final class UpdateAgentComponent implements UpdateAgent {

    static final String PID = "io.mfpoauth.update.agent";
    /** Framework property naming the firmware's data folder, shared with the token service. */
    static final String DATA_PROPERTY = "mfpoauth.data";

    private final FeatureInstaller installer;
    private final ExecutorService restorer;
    private final Duration timeout;

    @Activate
    public UpdateAgentComponent(UpdateAgentConfig config, BundleContext context,
            @Reference ConfigurationAdmin configurationAdmin,
            @Reference(service = LoggerFactory.class) Logger logger) {
        timeout = Duration.ofSeconds(config.timeoutSeconds());
        installer = new FeatureInstaller(context, configurationAdmin, logger, dataFolder(context).resolve("features"),
                Limits.of(config), timeout);
        installer.load();
        // Restoring installs bundles: not on SCR's thread, which is activating the rest of the firmware meanwhile.
        restorer = Executors.newSingleThreadExecutor(task -> new Thread(task, "mfpoauth-update-restore"));
        restorer.execute(installer::restore);
        restorer.shutdown();
    }

    @Deactivate
    void deactivate() {
        installer.close();
        try {
            restorer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public InstalledFeature install(Path archive) throws UpdateException {
        if (archive == null) {
            throw new UpdateException("Name the archive to install");
        }
        return installer.install(archive.toAbsolutePath().normalize());
    }

    @Override
    public void remove(String featureId) throws UpdateException {
        installer.remove(featureId);
    }

    @Override
    public List<InstalledFeature> features() {
        return installer.features();
    }

    static Path dataFolder(BundleContext context) {
        String configured = context.getProperty(DATA_PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? "data" : configured).toAbsolutePath();
    }
}
