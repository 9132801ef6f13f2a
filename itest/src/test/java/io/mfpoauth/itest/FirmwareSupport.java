package io.mfpoauth.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Version;

/**
 * Composable Pax Exam options that start the firmware image in the test's framework: exactly the
 * bundles features exported (target/export/firmware/*.jar), each at the start level the resolved
 * firmware.bndrun gave it, with the system properties the firmware expects, pointed at fresh folders
 * and free ports.
 * <p>
 * The start levels are read from the executable export itself (firmware.jar's launcher.properties,
 * {@code launch.runbundles.attrs}), so the tests start bundles in the same order as
 * {@code java -jar firmware.jar}.
 */
public final class FirmwareSupport {

    /** Set by failsafe: the features module's target folder. */
    public static final String EXPORT_PROPERTY = "mfpoauth.itest.export";
    /** Set by failsafe: parent folder of the per-class temporary folders. */
    public static final String TMP_PROPERTY = "mfpoauth.itest.tmp";

    /** Symbolic names of this project's bundles start with this. */
    public static final String OUR_BUNDLES = "io.mfpoauth.";

    private FirmwareSupport() {
    }

    /** Everything a test of the whole firmware needs; {@code testClass} names its temporary folders. */
    public static Option firmware(Class<?> testClass) {
        return firmwareWithout(testClass);
    }

    /**
     * The firmware as {@link #firmware} gives it, less some bundles of the image: what a device that has not yet
     * received a feature runs.
     */
    public static Option firmwareWithout(Class<?> testClass, String... symbolicNames) {
        return composite(
            failOnUnresolvedBundles(),
            localRepositoryOnly(),
            junitBundles(),
            nonInteractiveShell(),
            firmwareBundles(symbolicNames),
            dataFolder(testClass),
            confFolder(testClass),
            httpPort(freePort()));
    }

    /** Each exported bundle as a file, at its start level, started; then the firmware's framework start level. */
    public static Option firmwareBundles(String... leftOut) {
        Export export = Export.read();
        java.util.Set<String> skip = java.util.Set.of(leftOut);
        for (String name : skip) {
            if (export.bundles().stream().noneMatch(b -> b.symbolicName().equals(name))) {
                throw new IllegalStateException(name + " is not in the exported image");
            }
        }
        List<Option> options = new ArrayList<>();
        for (ExportedBundle b : export.bundles()) {
            if (skip.contains(b.symbolicName())) {
                continue;
            }
            options.add(bundle(b.jar().toUri().toString()).startLevel(b.startLevel()).start());
        }
        options.add(frameworkStartLevel(export.beginningStartLevel()));
        return composite(options.toArray(new Option[0]));
    }

    /** The folder the token service keeps its data in ({@code mfpoauth.data}): fresh for each test class. */
    public static Option dataFolder(Class<?> testClass) {
        return systemProperty("mfpoauth.data").value(newFolder(testClass, "data").toString());
    }

    /**
     * The configuration folder FileInstall watches ({@code mfpoauth.conf}): fresh and empty for each test
     * class, never the ./conf of the working directory. Pax Exam does not run the bnd launcher, so the
     * bndrun's {@code felix.fileinstall.dir=${mfpoauth.conf}} is repeated here.
     */
    public static Option confFolder(Class<?> testClass) {
        String conf = newFolder(testClass, "conf").toString();
        return composite(
            systemProperty("mfpoauth.conf").value(conf),
            systemProperty("felix.fileinstall.dir").value(conf),
            systemProperty("felix.fileinstall.noInitialDelay").value("true"));
    }

    /** The HTTP port property, for when the image gets an HTTP server: always a free port in tests. */
    public static Option httpPort(int port) {
        return systemProperty("org.osgi.service.http.port").value(Integer.toString(port));
    }

    /** Without this, Gogo waits on the test JVM's standard input and delays its exit by 30 s. */
    public static Option nonInteractiveShell() {
        return systemProperty("gosh.args").value("--nointeractive");
    }

    /** Fails the test container's start when a bundle does not resolve, instead of a later, vaguer failure. */
    public static Option failOnUnresolvedBundles() {
        return systemProperty(Constants.EXAM_FAIL_ON_UNRESOLVED_KEY).value("true");
    }

    /**
     * Pax Exam's own bundles are mvn: links: resolve them from the local repository Maven filled and never
     * from the network, so the tests need nothing Maven did not install.
     */
    public static Option localRepositoryOnly() {
        List<Option> options = new ArrayList<>();
        options.add(systemProperty("org.ops4j.pax.url.mvn.offline").value("true"));
        options.add(systemProperty("org.ops4j.pax.url.mvn.repositories").value(""));
        options.add(systemProperty("org.ops4j.pax.url.mvn.defaultRepositories").value(""));
        options.add(systemProperty("org.ops4j.pax.url.mvn.useFallbackRepositories").value("false"));
        String local = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        if (local != null) {
            options.add(systemProperty("org.ops4j.pax.url.mvn.localRepository").value(local));
        }
        return composite(options.toArray(new Option[0]));
    }

    /** A port nobody listens on now (some loopback ports are taken on CI machines). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path newFolder(Class<?> testClass, String kind) {
        try {
            Path parent = Paths.get(System.getProperty(TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, testClass.getSimpleName() + "-" + kind + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One jar of the export and the start level the bndrun gave it. */
    public record ExportedBundle(Path jar, String symbolicName, Version version, int startLevel) {
    }

    /** What bnd-export-maven-plugin wrote into the features module's target folder. */
    public record Export(List<ExportedBundle> bundles, int beginningStartLevel) {

        public static Export read() {
            String dir = System.getProperty(EXPORT_PROPERTY);
            if (dir == null) {
                throw new IllegalStateException("System property " + EXPORT_PROPERTY
                    + " is not set: run the tests with Maven (mvn verify), which sets it to features/target");
            }
            Path target = Paths.get(dir).toAbsolutePath().normalize();
            Path executable = target.resolve("firmware.jar");
            Path bundles = target.resolve("export").resolve("firmware");
            if (!Files.isRegularFile(executable) || !Files.isDirectory(bundles)) {
                throw new IllegalStateException("No exported firmware in " + target
                    + ": build the features module first (mvn verify from the repository root)");
            }
            Properties launcher = launcherProperties(executable);
            Map<String, Integer> startLevels = startLevels(launcher.getProperty("launch.runbundles.attrs", ""));
            int beginning = Integer.parseInt(launcher.getProperty("org.osgi.framework.startlevel.beginning", "1"));

            List<ExportedBundle> result = new ArrayList<>();
            try (Stream<Path> jars = Files.list(bundles)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    Attributes manifest = manifest(jar);
                    String bsn = manifest.getValue("Bundle-SymbolicName").split(";")[0].trim();
                    Version version = Version.parseVersion(manifest.getValue("Bundle-Version"));
                    Integer level = startLevels.get(key(bsn, version));
                    if (level == null) {
                        throw new IllegalStateException(jar + " (" + key(bsn, version)
                            + ") has no start level in firmware.jar: the two exports disagree");
                    }
                    result.add(new ExportedBundle(jar, bsn, version, level));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (result.size() != startLevels.size()) {
                throw new IllegalStateException("firmware.jar holds " + startLevels.size() + " bundles, "
                    + bundles + " holds " + result.size() + ": the two exports disagree");
            }
            result.sort((a, b) -> Integer.compare(a.startLevel(), b.startLevel()));
            return new Export(List.copyOf(result), beginning);
        }

        private static Properties launcherProperties(Path executable) {
            try (JarFile jar = new JarFile(executable.toFile());
                    InputStream in = jar.getInputStream(jar.getEntry("launcher.properties"))) {
                Properties properties = new Properties();
                properties.load(in);
                return properties;
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("Cannot read launcher.properties in " + executable, e);
            }
        }

        /** Parses {@code bsn;version="1.2.3";startlevel=10,...} as bnd's launcher writes it. */
        static Map<String, Integer> startLevels(String attrs) {
            Map<String, Integer> levels = new HashMap<>();
            for (String clause : attrs.split(",")) {
                if (clause.isBlank()) {
                    continue;
                }
                String[] parts = clause.split(";");
                String bsn = parts[0].trim();
                Version version = Version.emptyVersion;
                Integer level = null;
                for (int i = 1; i < parts.length; i++) {
                    String[] kv = parts[i].split("=", 2);
                    String name = kv[0].trim();
                    String value = kv.length > 1 ? kv[1].trim().replace("\"", "") : "";
                    if (name.equals("version")) {
                        version = Version.parseVersion(value);
                    } else if (name.equals("startlevel")) {
                        level = Integer.valueOf(value);
                    }
                }
                if (level != null) {
                    levels.put(key(bsn, version), level);
                }
            }
            return levels;
        }

        private static Attributes manifest(Path jar) {
            try (JarFile file = new JarFile(jar.toFile())) {
                return file.getManifest().getMainAttributes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String key(String bsn, Version version) {
            return bsn + ";" + version;
        }
    }
}
