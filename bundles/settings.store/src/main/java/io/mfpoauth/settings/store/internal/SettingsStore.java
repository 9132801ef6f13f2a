package io.mfpoauth.settings.store.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Enumeration;

import org.apache.felix.cm.PersistenceManager;
import org.apache.felix.cm.file.FilePersistenceManager;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Configuration Admin's store, in {@code <data>/config}. The firmware's launcher starts the framework with a new,
 * temporary bundle cache at every start (so the image in the jar is always what runs), and Felix ConfigAdmin keeps
 * its files in that cache unless told otherwise; its own {@code felix.cm.dir} takes a literal path, which cannot
 * follow {@code -Dmfpoauth.data}. So ConfigAdmin is told ({@code felix.cm.pm=mfpoauth}) to wait for this store,
 * which puts the files where the tokens are: the settings made at the web page or the panel survive a restart
 * (also a killed process) and a firmware update. Felix's own file store does the writing: one file per
 * configuration, written to a temporary file and renamed over the old one, so a file is either old or new.
 */
@Component(service = PersistenceManager.class, property = "name=" + SettingsStore.NAME)
@SuppressWarnings({ "rawtypes", "unchecked" }) // the SPI predates generics
public final class SettingsStore implements PersistenceManager {

    /** The name ConfigAdmin waits for (framework property {@code felix.cm.pm}). */
    static final String NAME = "mfpoauth";
    /** The framework property naming the firmware's data folder, shared with the token service. */
    static final String DATA_PROPERTY = "mfpoauth.data";

    private final FilePersistenceManager files;

    @Activate
    public SettingsStore(BundleContext context) {
        this(context, folder(context.getProperty(DATA_PROPERTY)));
    }

    SettingsStore(BundleContext context, Path folder) {
        // Owner-only, like the token store: the settings hold provider client ids and secrets and account names.
        try {
            Files.createDirectories(folder);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The settings folder " + folder + " cannot be made: " + e.getMessage(), e);
        }
        this.files = new FilePersistenceManager(context, folder.toString());
    }

    /** {@code <data>/config}, with the token service's fallback ({@code ./data}) when the property is not set. */
    static Path folder(String data) {
        return Path.of(data == null || data.isBlank() ? "data" : data).toAbsolutePath().resolve("config");
    }

    @Override
    public boolean exists(String pid) {
        return files.exists(pid);
    }

    @Override
    public Dictionary load(String pid) throws IOException {
        return files.load(pid);
    }

    @Override
    public Enumeration getDictionaries() throws IOException {
        return files.getDictionaries();
    }

    @Override
    public void store(String pid, Dictionary properties) throws IOException {
        files.store(pid, properties);
    }

    @Override
    public void delete(String pid) throws IOException {
        files.delete(pid);
    }
}
