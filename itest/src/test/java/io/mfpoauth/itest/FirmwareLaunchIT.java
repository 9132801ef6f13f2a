package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The firmware as README command (a) starts it: {@code java -jar firmware.jar} in its own JVM, with the small
 * heap of the device, configured through the watched folder, and refusing a second start on the same data.
 */
public class FirmwareLaunchIT {
    private static final long START_MILLIS = 30_000;

    private Path work;
    private Process first;

    @Before
    public void setUp() throws IOException {
        Path parent = Paths.get(System.getProperty(FirmwareSupport.TMP_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        work = Files.createTempDirectory(parent, "launch-");
        Files.createDirectories(work.resolve("conf"));
    }

    @After
    public void tearDown() throws InterruptedException {
        if (first != null) {
            first.destroy();
            if (!first.waitFor(10, TimeUnit.SECONDS)) {
                first.destroyForcibly();
            }
        }
    }

    private Process launch(String log) throws IOException {
        Path jar = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "firmware.jar").toAbsolutePath();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "-Xmx32m", "-Dgosh.args=--nointeractive",
                "-Dmfpoauth.conf=" + work.resolve("conf"), "-Dmfpoauth.data=" + work.resolve("data"),
                "-Dorg.osgi.service.http.port=" + FirmwareSupport.freePort(), "-jar", jar.toString()))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(log).toFile()).start();
    }

    private String waitForLine(String log, String text) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_MILLIS;
        Path file = work.resolve(log);
        while (System.currentTimeMillis() < deadline) {
            String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' did not appear in " + log + ":\n" + Files.readString(file));
    }

    private static void waitForFile(Path file) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_MILLIS;
        while (!Files.exists(file)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(file + " did not appear");
            }
            Thread.sleep(100);
        }
    }

    @Test
    public void startsInASmallHeapTakesConfigurationLiveAndRefusesASecondStartOnTheSameData() throws Exception {
        first = launch("first.log");
        waitForFile(work.resolve("data").resolve(".lock")); // the token service took the data folder
        // Entries below INFO appear only once the watched folder's configuration reached the console log:
        // configuration without a rebuild.
        Files.writeString(work.resolve("conf").resolve("io.mfpoauth.log.console.cfg"), "minimum.level=DEBUG\n");
        // A quiet firmware logs nothing at DEBUG by itself: changing the SMTP settings through the folder too (a
        // service's properties change, a DEBUG entry) shows both configurations arrived.
        long deadline = System.currentTimeMillis() + START_MILLIS;
        Path log = work.resolve("first.log");
        for (int timeout = 30; !Files.readString(log).contains(" DEBUG ") && System.currentTimeMillis() < deadline;
                timeout++) {
            Files.writeString(work.resolve("conf").resolve("io.mfpoauth.mail.smtp.cfg"),
                    "server=mail.example.com\nsenderAddress=mfp@example.com\ntimeoutSeconds=" + timeout + "\n");
            Thread.sleep(2500);
        }
        waitForLine("first.log", " DEBUG ");

        Process second = launch("second.log");
        assertTrue("the second firmware stops by itself", second.waitFor(START_MILLIS, TimeUnit.MILLISECONDS));
        String out = Files.readString(work.resolve("second.log"));
        assertTrue(out, out.contains("is in use by another running firmware"));
        assertTrue("the first firmware runs on", first.isAlive());
        assertEquals(117, second.exitValue()); // the bnd launcher's code for a framework that was stopped
    }
}
