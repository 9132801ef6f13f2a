package io.mfpoauth.bench.flows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The exported firmware image less some bundles: what a device runs before a firmware update brings a feature.
 * {@code java -cp ... FirmwareImage <features/target> <work folder> <symbolic name to leave out>...} starts the
 * same Felix with the bundles of {@code export/firmware/} at the start levels and with the properties that
 * {@code firmware.jar}'s launcher would use (read from its {@code launcher.properties}), pointed at the work
 * folder's {@code conf} and {@code data}; the HTTP port comes as {@code -Dorg.osgi.service.http.port}. It runs until
 * the process is told to stop; a shutdown hook stops the framework.
 */
public final class FirmwareImage {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private FirmwareImage() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]).toAbsolutePath();
        Path work = Path.of(args[1]).toAbsolutePath();
        Set<String> leftOut = Set.copyOf(List.of(args).subList(2, args.length));
        Properties launcher = new Properties();
        try (JarFile jar = new JarFile(target.resolve("firmware.jar").toFile());
                InputStream in = jar.getInputStream(jar.getEntry("launcher.properties"))) {
            launcher.load(in);
        }
        Map<String, String> config = new HashMap<>();
        for (String key : launcher.stringPropertyNames()) {
            if (!key.startsWith("launch.")) {
                config.put(key, launcher.getProperty(key));
            }
        }
        config.put("mfpoauth.conf", work.resolve("conf").toString());
        config.put("mfpoauth.data", work.resolve("data").toString());
        config.put("gosh.args", "--nointeractive");
        config.put("org.osgi.service.http.port", System.getProperty("org.osgi.service.http.port"));
        config.replaceAll((k, v) -> substitute(v, config));
        // The bundles read some of these as system properties too, as under the bnd launcher.
        config.forEach(System::setProperty);
        config.put("org.osgi.framework.storage", work.resolve("felix-cache").toString());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        Map<String, Integer> levels = startLevels(launcher.getProperty("launch.runbundles.attrs", ""));

        Framework framework = new FrameworkFactory().newFramework(config);
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                framework.stop();
                framework.waitForStop(15_000);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "firmware-image-stop"));
        BundleContext context = framework.getBundleContext();
        try (Stream<Path> jars = Files.list(target.resolve("export").resolve("firmware"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String bsn;
                String version;
                try (JarFile file = new JarFile(jar.toFile())) {
                    bsn = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
                    version = file.getManifest().getMainAttributes().getValue("Bundle-Version");
                }
                if (leftOut.contains(bsn)) {
                    continue;
                }
                Bundle b = context.installBundle(jar.toUri().toString());
                Integer level = levels.get(bsn + ";" + b.getVersion());
                if (level == null) {
                    throw new IllegalStateException(jar + " (" + bsn + " " + version + ") has no start level");
                }
                b.adapt(BundleStartLevel.class).setStartLevel(level);
                b.start();
            }
        }
        framework.start();
        framework.adapt(FrameworkStartLevel.class).setStartLevel(
                Integer.parseInt(launcher.getProperty("org.osgi.framework.startlevel.beginning", "1")));
        System.out.println("firmware image started");
        framework.waitForStop(0);
    }

    /** Parses {@code bsn;version="1.2.3";startlevel=10,...} as bnd's launcher writes it. */
    private static Map<String, Integer> startLevels(String attrs) {
        Map<String, Integer> levels = new HashMap<>();
        for (String clause : attrs.split(",")) {
            String[] parts = clause.split(";");
            String version = "0.0.0";
            Integer level = null;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                String value = kv.length > 1 ? kv[1].trim().replace("\"", "") : "";
                if (kv[0].trim().equals("version")) {
                    version = value;
                } else if (kv[0].trim().equals("startlevel")) {
                    level = Integer.valueOf(value);
                }
            }
            if (level != null) {
                levels.put(parts[0].trim() + ";" + org.osgi.framework.Version.parseVersion(version), level);
            }
        }
        return levels;
    }

    private static String substitute(String value, Map<String, String> config) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = config.getOrDefault(m.group(1), System.getProperty(m.group(1), m.group()));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }
}
