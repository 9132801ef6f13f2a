package io.mfpoauth.itest.reliability;

import java.io.IOException;
import java.net.URI;
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
import io.mfpoauth.itest.web.FirmwareProcess;

/**
 * The exported firmware as a process, like {@code web.FirmwareProcess}, but one that can be killed and started
 * again on the <em>same</em> configuration and data folders: a device losing power and booting again. Each run
 * writes its own console log ({@code firmware-<n>.log}).
 */
final class CrashFirmware implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);

    private final Path work;
    private final String adminPassword;
    private final List<String> extraOptions;
    private final List<Path> logs = new ArrayList<>();
    private int port;
    private Process process;

    /** A work folder with {@code configurations} (file name → content) in its {@code conf} folder. */
    CrashFirmware(String name, String adminPassword, Map<String, String> configurations, String... extraOptions)
            throws IOException {
        Path parent = Paths.get(System.getProperty(FirmwareSupport.TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        this.work = Files.createTempDirectory(parent, name + "-");
        this.adminPassword = adminPassword;
        this.extraOptions = List.of(extraOptions);
        Path conf = Files.createDirectories(conf());
        for (Map.Entry<String, String> c : configurations.entrySet()) {
            Files.writeString(conf.resolve(c.getKey()), c.getValue(), StandardCharsets.UTF_8);
        }
    }

    Path work() {
        return work;
    }

    Path conf() {
        return work.resolve("conf");
    }

    Path data() {
        return work.resolve("data");
    }

    /** Starts the firmware (a new port each time) and waits until its REST API answers. */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        port = FirmwareSupport.freePort();
        Path jar = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "firmware.jar").toAbsolutePath();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        // The launcher unpacks the framework into a new java.io.tmpdir folder each start and removes it only on a
        // clean exit: keep the ones a kill leaves inside the work folder.
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        // C1 only and the serial collector: the start, repeated at every kill, is what the test waits for.
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp,
                "-Dgosh.args=--nointeractive",
                "-Dmfpoauth.conf=" + conf(), "-Dmfpoauth.data=" + data(), "-Dorg.osgi.service.http.port=" + port));
        command.addAll(extraOptions);
        command.addAll(List.of("-jar", jar.toString()));
        Path log = work.resolve("firmware-" + (logs.size() + 1) + ".log");
        logs.add(log);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("MFPOAUTH_ADMIN_PASSWORD", adminPassword);
        process = builder.start();
        awaitHttp();
    }

    /** kill -9: {@link Process#destroyForcibly()} is SIGKILL on Linux; nothing in the firmware runs after it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the firmware did not end after SIGKILL");
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The console logs of every run so far, in order. */
    List<Path> logs() {
        return new ArrayList<>(logs);
    }

    /** The console log of the current (or last) run. */
    String log() throws IOException {
        return logs.isEmpty() ? "" : read(logs.get(logs.size() - 1));
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    private void awaitHttp() throws IOException, InterruptedException {
        FirmwareProcess.awaitApi(process, base(), START, this::log);
    }

    /** A graceful stop (SIGTERM, then SIGKILL if it hangs), as {@code FirmwareProcess.close()} does. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
