package io.mfpoauth.itest.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mfpoauth.itest.FirmwareSupport;

/**
 * The exported firmware started as README command (a) starts it: {@code java -jar firmware.jar} in its own JVM
 * with the device's small heap, its own configuration and data folders, a free HTTP port and the administrator's
 * password in {@code MFPOAUTH_ADMIN_PASSWORD}.
 */
public final class FirmwareProcess implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);

    private final Path work;
    private final int port;
    private final Process process;

    private FirmwareProcess(Path work, int port, Process process) {
        this.work = work;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts the firmware with {@code configurations} (file name → content) already in its configuration folder,
     * as an integrator would ship them, and waits until the REST API answers.
     */
    public static FirmwareProcess start(String name, String adminPassword, Map<String, String> configurations)
            throws IOException, InterruptedException {
        Path parent = Paths.get(System.getProperty(FirmwareSupport.TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, name + "-");
        Path conf = Files.createDirectories(work.resolve("conf"));
        for (Map.Entry<String, String> c : configurations.entrySet()) {
            Files.writeString(conf.resolve(c.getKey()), c.getValue(), StandardCharsets.UTF_8);
        }
        int port = FirmwareSupport.freePort();
        Path jar = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "firmware.jar").toAbsolutePath();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx32m", "-Dgosh.args=--nointeractive",
                "-Dmfpoauth.conf=" + conf, "-Dmfpoauth.data=" + work.resolve("data"),
                "-Dorg.osgi.service.http.port=" + port, "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("firmware.log").toFile());
        builder.environment().put("MFPOAUTH_ADMIN_PASSWORD", adminPassword);
        FirmwareProcess firmware = new FirmwareProcess(work, port, builder.start());
        firmware.awaitHttp();
        return firmware;
    }

    /**
     * What an integrator ships in the configuration folder to use the test stack: the generic provider
     * {@code keycloak}, and the mail servers' CA in the device trust store.
     */
    public static Map<String, String> testStack(io.mfpoauth.itest.keycloak.Keycloak keycloak,
            io.mfpoauth.itest.mail.MailServer mail) {
        return Map.of("io.mfpoauth.provider.oidc-keycloak.cfg", keycloak.providerConfigurationFile("keycloak"),
                "io.mfpoauth.mail.tls.cfg", "trustStore=" + mail.trustStore() + "\ntrustStoreType=PKCS12\n"
                        + ".trustStorePassword=" + mail.trustStorePassword() + "\n");
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path work() {
        return work;
    }

    /** Everything the firmware printed so far. */
    public String log() throws IOException {
        Path file = work.resolve("firmware.log");
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private void awaitHttp() throws IOException, InterruptedException {
        awaitApi(process, base(), START, this::log);
    }

    /** The console log so far, for a failure message. */
    public interface LogText {
        String read() throws IOException;
    }

    /**
     * Waits until the firmware's REST API answers (401 or 200 from {@code /api/v1/session}); fails with its log
     * when the process ends or {@code within} passes.
     */
    public static void awaitApi(Process process, URI base, Duration within, LogText log)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        long pause = 50;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the firmware ended (" + process.exitValue() + "):\n" + log.read());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/session"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 401 || r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
        throw new AssertionError("the REST API did not answer within " + within + ":\n" + log.read());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
