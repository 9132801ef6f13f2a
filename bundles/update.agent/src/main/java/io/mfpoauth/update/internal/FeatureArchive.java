package io.mfpoauth.update.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

import io.mfpoauth.update.UpdateException;

/**
 * A feature archive, opened and checked before anything is installed from it: a zip holding {@code feature.json} at
 * its root and {@code bundles/<artifactId>-<version>.jar} for each bundle the description lists, and nothing else.
 * <p>
 * {@link #open} reads every entry through to its end, within the {@link Limits}, so a hostile archive (entry names
 * that climb out of a folder, thousands of entries, entries that inflate to gigabytes, a description that is not
 * JSON, a jar that is no bundle) is refused here, with a message that says why, before the framework is touched.
 * Nothing is ever extracted to the file system.
 */
final class FeatureArchive implements Closeable {

    static final String DESCRIPTOR = "feature.json";
    static final String BUNDLES = "bundles/";
    private static final Pattern BUNDLE_FILE = Pattern.compile("[A-Za-z0-9_.+-]{1,200}\\.jar");

    private final ZipFile zip;
    private final Limits limits;
    private final FeatureDescription description;
    private final List<ArchivedBundle> bundles;

    private FeatureArchive(ZipFile zip, Limits limits, FeatureDescription description, List<ArchivedBundle> bundles) {
        this.zip = zip;
        this.limits = limits;
        this.description = description;
        this.bundles = List.copyOf(bundles);
    }

    FeatureDescription description() {
        return description;
    }

    /** The archive's bundles, in the order of the description. */
    List<ArchivedBundle> bundles() {
        return bundles;
    }

    /** The bytes of one bundle, read again from the archive, within the same limit. */
    InputStream open(ArchivedBundle bundle) throws IOException {
        ZipEntry entry = zip.getEntry(bundle.entry());
        if (entry == null) {
            throw new IOException(bundle.entry() + " is gone from the archive");
        }
        return new LimitedInputStream(zip.getInputStream(entry), limits.maxBundleBytes(), bundle.entry());
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    static FeatureArchive open(Path path, Limits limits) throws UpdateException {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        long size;
        try {
            if (!Files.isRegularFile(path)) {
                throw new UpdateException("There is no archive " + path);
            }
            size = Files.size(path);
        } catch (IOException e) {
            throw new UpdateException("The archive " + path + " cannot be read: " + e.getMessage(), e);
        }
        if (size > limits.maxArchiveBytes()) {
            throw new UpdateException("The archive " + name + " is " + Limits.describe(size) + ", larger than the "
                    + Limits.describe(limits.maxArchiveBytes()) + " allowed");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new UpdateException("The file " + name + " is not a zip archive (a feature archive is a zip holding"
                    + " feature.json and bundles/*.jar)");
        } catch (IOException e) {
            throw new UpdateException("The archive " + name + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return check(zip, name, limits);
        } catch (UpdateException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static FeatureArchive check(ZipFile zip, String name, Limits limits) throws UpdateException {
        String refused = "The archive " + name + " is refused: ";
        if (zip.size() > limits.maxEntries()) {
            throw new UpdateException(refused + "it holds " + zip.size() + " entries; at most " + limits.maxEntries()
                    + " are allowed");
        }
        Map<String, ZipEntry> entries = new HashMap<>();
        int count = 0;
        try {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (++count > limits.maxEntries()) {
                    throw new UpdateException(refused + "it holds more than " + limits.maxEntries() + " entries");
                }
                String entryName = entry.getName();
                String unsafe = unsafe(entryName);
                if (unsafe != null) {
                    throw new UpdateException(refused + "the entry \"" + printable(entryName) + "\" " + unsafe);
                }
                if (entries.put(entryName, entry) != null) {
                    throw new UpdateException(refused + "the entry " + entryName + " is there twice");
                }
                if (!allowed(entry)) {
                    throw new UpdateException(refused + "it holds " + printable(entryName) + "; a feature archive holds"
                            + " only " + DESCRIPTOR + " and " + BUNDLES + "<artifactId>-<version>.jar");
                }
            }
        } catch (IllegalArgumentException e) {
            // ZipFile reports an entry name that is not valid in the archive's encoding this way.
            throw new UpdateException(refused + "an entry name cannot be read: " + e.getMessage());
        }

        ZipEntry descriptor = entries.get(DESCRIPTOR);
        if (descriptor == null) {
            throw new UpdateException(refused + "it has no " + DESCRIPTOR + " at its root");
        }
        long[] total = {0};
        byte[] json = readAll(zip, descriptor, limits.maxDescriptorBytes(), refused, total, limits);
        FeatureDescription description = FeatureJson.parse(json, limits.maxEntries());
        String featureId = description.id().toString();
        String refusedFeature = "The archive " + name + " (" + featureId + ") is refused: ";

        List<ArchivedBundle> bundles = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        Set<String> identities = new HashSet<>();
        for (Coordinates coordinates : description.bundles()) {
            String entryName = BUNDLES + coordinates.fileName();
            listed.add(entryName);
            ZipEntry entry = entries.get(entryName);
            if (entry == null) {
                throw new UpdateException(refusedFeature + "feature.json lists " + coordinates + " but the archive has no "
                        + entryName, featureId, null, null);
            }
            ArchivedBundle bundle = readBundle(zip, entry, coordinates, refusedFeature, featureId, total, limits);
            if (!identities.add(bundle.label())) {
                throw new UpdateException(refusedFeature + "it holds " + bundle.label() + " twice", featureId,
                        bundle.symbolicName(), null);
            }
            bundles.add(bundle);
        }
        for (String entryName : entries.keySet()) {
            if (entryName.startsWith(BUNDLES) && !entryName.equals(BUNDLES) && !listed.contains(entryName)) {
                throw new UpdateException(refusedFeature + entryName + " is not listed in feature.json", featureId,
                        null, null);
            }
        }
        return new FeatureArchive(zip, limits, description, bundles);
    }

    /** Why an entry name is refused, or null when it is a plain relative name. */
    static String unsafe(String name) {
        if (name.isEmpty()) {
            return "has no name";
        }
        if (name.length() > 255) {
            return "has too long a name";
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return "has control characters in its name";
        }
        if (name.indexOf('\\') >= 0) {
            return "uses '\\' (a feature archive uses '/' between folders)";
        }
        if (name.startsWith("/") || name.indexOf(':') >= 0) {
            return "is an absolute path";
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.equals("..")) {
                return "climbs out of the archive (\"..\")";
            }
            if (segment.isEmpty() || segment.equals(".")) {
                return "has an empty or \".\" folder in its path";
            }
        }
        return null;
    }

    private static boolean allowed(ZipEntry entry) {
        String name = entry.getName();
        if (name.equals(DESCRIPTOR)) {
            return !entry.isDirectory();
        }
        if (name.equals(BUNDLES)) {
            return true;
        }
        return name.startsWith(BUNDLES) && BUNDLE_FILE.matcher(name.substring(BUNDLES.length())).matches();
    }

    private static byte[] readAll(ZipFile zip, ZipEntry entry, int max, String refused, long[] total, Limits limits)
            throws UpdateException {
        if (entry.getSize() > max) {
            throw new UpdateException(refused + entry.getName() + " is larger than the " + Limits.describe(max) + " allowed");
        }
        try (InputStream in = new LimitedInputStream(zip.getInputStream(entry), max, entry.getName())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            total[0] += out.size();
            return out.toByteArray();
        } catch (LimitedInputStream.LimitExceededException e) {
            throw new UpdateException(refused + e.getMessage());
        } catch (IOException e) {
            throw new UpdateException(refused + entry.getName() + " cannot be read: " + e.getMessage());
        }
    }

    private static ArchivedBundle readBundle(ZipFile zip, ZipEntry entry, Coordinates coordinates, String refused,
            String featureId, long[] total, Limits limits) throws UpdateException {
        String entryName = entry.getName();
        if (entry.getSize() > limits.maxBundleBytes()) {
            throw new UpdateException(refused + entryName + " is " + Limits.describe(entry.getSize())
                    + ", larger than the " + Limits.describe(limits.maxBundleBytes()) + " allowed for a bundle",
                    featureId, null, null);
        }
        long read;
        Manifest manifest;
        try (LimitedInputStream in = new LimitedInputStream(zip.getInputStream(entry), limits.maxBundleBytes(), entryName);
                JarInputStream jar = new JarInputStream(in, false)) {
            manifest = jar.getManifest();
            // Inflate the rest of the entry (not the jar's own entries: the framework reads those) so that its real
            // size is known, and within the limits, before anything is installed.
            in.transferTo(OutputStream.nullOutputStream());
            read = in.count();
        } catch (LimitedInputStream.LimitExceededException e) {
            throw new UpdateException(refused + e.getMessage(), featureId, null, null);
        } catch (IOException | SecurityException e) {
            throw new UpdateException(refused + entryName + " is not a valid jar: " + e.getMessage(), featureId, null, null);
        }
        total[0] += read;
        if (total[0] > limits.maxTotalBytes()) {
            throw new UpdateException(refused + "its content is larger than the " + Limits.describe(limits.maxTotalBytes())
                    + " allowed", featureId, null, null);
        }
        Attributes main = manifest == null ? null : manifest.getMainAttributes();
        String bsn = main == null ? null : main.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (bsn == null || bsn.isBlank()) {
            throw new UpdateException(refused + entryName + " is not an OSGi bundle (its manifest has no Bundle-SymbolicName)",
                    featureId, null, null);
        }
        String symbolicName = bsn.split(";", 2)[0].strip();
        Version version;
        try {
            version = Version.parseVersion(main.getValue(Constants.BUNDLE_VERSION));
        } catch (IllegalArgumentException e) {
            throw new UpdateException(refused + entryName + " has an invalid Bundle-Version: " + e.getMessage(), featureId,
                    symbolicName, null);
        }
        boolean fragment = main.getValue(Constants.FRAGMENT_HOST) != null;
        return new ArchivedBundle(coordinates, entryName, symbolicName, version, fragment);
    }

    private static String printable(String name) {
        StringBuilder text = new StringBuilder();
        name.codePoints().limit(120).forEach(c -> text.append(Character.isISOControl(c) ? '?' : (char) c));
        return text.toString();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Nothing to do: everything needed was read, or the archive was refused already.
        }
    }
}
