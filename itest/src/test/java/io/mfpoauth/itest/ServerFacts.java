package io.mfpoauth.itest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;

/**
 * Reads the facts file a test server's start script writes (ports, users, secrets), for the helpers of each
 * server: one way to find it, one way to report that the server is not running.
 */
public final class ServerFacts {

    private ServerFacts() {
    }

    /**
     * The file named by the system property {@code property}, else by the environment variable {@code env}.
     *
     * @param what the server, for messages ("test Keycloak")
     * @param howToStart what starts it, for messages
     * @throws IllegalStateException when neither names a file
     */
    public static Path location(String what, String property, String env, String howToStart) {
        String path = System.getProperty(property);
        if (path == null || path.isEmpty()) {
            path = System.getenv(env);
        }
        if (path == null || path.isEmpty()) {
            throw new IllegalStateException("No " + what + ": neither the system property " + property
                    + " nor the environment variable " + env + " is set (run the tests with 'mvn verify', "
                    + "which starts it, or " + howToStart + ")");
        }
        return Paths.get(path);
    }

    /**
     * The facts in {@code file}, which must hold every one of {@code required}.
     *
     * @param missing what to say when the file does not exist (is the server running, how to start it)
     */
    public static Properties load(Path file, String what, String missing, List<String> required) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No " + what + ": " + file + " does not exist (" + missing + ")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
        for (String key : required) {
            if (p.getProperty(key, "").isEmpty()) {
                throw new IllegalStateException(what + " properties " + file + " lack '" + key + "'");
            }
        }
        return p;
    }
}
