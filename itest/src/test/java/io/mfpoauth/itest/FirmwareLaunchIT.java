package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
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
    private static final String PASSWORD = "launch-test-password";

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
        return launch(log, FirmwareSupport.freePort());
    }

    private Process launch(String log, int port) throws IOException {
        Path jar = Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY), "firmware.jar").toAbsolutePath();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Xmx32m", "-Dgosh.args=--nointeractive",
                "-Dmfpoauth.conf=" + work.resolve("conf"), "-Dmfpoauth.data=" + work.resolve("data"),
                "-Dorg.osgi.service.http.port=" + port, "-jar", jar.toString()))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(log).toFile());
        builder.environment().put("MFPOAUTH_ADMIN_PASSWORD", PASSWORD);
        return builder.start();
    }

    /** The REST answer, once the firmware answers at all; with the administrator's Basic credentials. */
    private static HttpResponse<String> rest(int port, String method, String path, String json) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build();
        long deadline = System.currentTimeMillis() + START_MILLIS;
        while (true) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                // 404/405: the page's servlet answers until the API's is registered; 503: its services not yet
                if (status != 404 && status != 405 && status != 503 || System.currentTimeMillis() > deadline) {
                    return response;
                }
            } catch (IOException notListeningYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notListeningYet;
                }
            }
            Thread.sleep(200);
        }
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

    @Test
    public void settingsMadeThroughTheApiSurviveAKilledProcess() throws Exception {
        int port = FirmwareSupport.freePort();
        first = launch("before.log", port);
        String smtp = "{\"server\":\"smtp.office365.com\",\"port\":587,\"security\":\"starttls\","
                + "\"authMethod\":\"oauth2\",\"provider\":\"microsoft\",\"account\":\"scanner@example.com\","
                + "\"senderAddress\":\"scanner@example.com\"}";
        assertEquals(200, rest(port, "PUT", "/settings/smtp", smtp).statusCode());
        String pop = "{\"server\":\"outlook.office365.com\",\"port\":995,\"security\":\"tls\","
                + "\"authMethod\":\"oauth2\",\"provider\":\"microsoft\",\"account\":\"fax@example.com\"}";
        assertEquals(200, rest(port, "PUT", "/settings/pop/ifax", pop).statusCode());
        String smtpBefore = rest(port, "GET", "/settings/smtp", null).body();
        String popBefore = rest(port, "GET", "/settings/pop/ifax", null).body();

        first.destroyForcibly(); // a power cut, as far as the process can tell
        first.waitFor(10, TimeUnit.SECONDS);
        first = launch("after.log", port);

        assertEquals(smtpBefore, rest(port, "GET", "/settings/smtp", null).body());
        assertEquals(popBefore, rest(port, "GET", "/settings/pop/ifax", null).body());
        assertTrue("kept in the data folder", Files.isDirectory(work.resolve("data").resolve("config")));
    }
}
