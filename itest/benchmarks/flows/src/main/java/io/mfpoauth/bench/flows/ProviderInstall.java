package io.mfpoauth.bench.flows;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * P7: a firmware update installs a provider feature (Google's archive, as the build made it) into a running
 * firmware through the REST API, {@link #ROUNDS} times (removed again between rounds). Measured from the install
 * request until the provider is listed by {@code GET /api/v1/providers}, and until a Get Token with it has started
 * (the browser sign-in's address is handed out). Meanwhile a sender posts test mails one after another
 * ({@code POST /api/v1/mail}) on the SMTP setting's existing OAuth 2.0 token, to a scripted loopback SMTP server that
 * checks the token; every failed send is counted.
 *
 * <p>The firmware is the exported image less the Google bundle ({@link FirmwareImage}), in a JVM of its own with
 * the device's heap ({@code -Xmx32m}); its SMTP token comes from a generic (oidc) provider against a loopback
 * authorization server, through the device flow.
 */
final class ProviderInstall {
    static final int ROUNDS = 15;
    static final double TARGET_MILLIS = 250;
    private static final String GOOGLE = "io.mfpoauth.provider.google";
    private static final String PASSWORD = "bench-admin-password";

    static void run(Path results) throws Exception {
        Path target = Path.of(System.getProperty("mfpoauth.export", "features/target")).toAbsolutePath();
        Path archive;
        try (Stream<Path> files = Files.list(target.resolve("archives"))) {
            archive = files.filter(f -> f.getFileName().toString().matches("provider-google-\\d.*\\.zip")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no provider-google archive in " + target));
        }
        AtomicInteger issued = new AtomicInteger();
        TokenEndpointServer.Script script = (endpoint, form, arrived) -> {
            if (endpoint.equals("devicecode")) {
                return TokenEndpointServer.Answer.ok("{\"device_code\":\"p7-device\",\"user_code\":\"P7\","
                        + "\"verification_uri\":\"http://127.0.0.1/device\",\"expires_in\":600,\"interval\":1}");
            }
            return TokenEndpointServer.Answer.ok("{\"token_type\":\"Bearer\",\"access_token\":\"p7-access-"
                    + issued.incrementAndGet() + "\",\"refresh_token\":\"p7-refresh\",\"expires_in\":3600}");
        };
        Path work = Files.createTempDirectory("bench-p7-");
        int port = freePort();
        List<double[]> rounds = new ArrayList<>();
        AtomicInteger sends = new AtomicInteger();
        AtomicInteger failedSends = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Process firmware = null;
        Thread sender = null;
        AtomicBoolean sending = new AtomicBoolean(true);
        try (TokenEndpointServer auth = new TokenEndpointServer(script);
                ScriptedSmtpServer smtp = new ScriptedSmtpServer(t -> t.startsWith("p7-access-"))) {
            String endpoints = auth.authority() + "/" + Microsoft.TENANT + "/oauth2/v2.0/";
            Path conf = Files.createDirectories(work.resolve("conf"));
            Files.writeString(conf.resolve("io.mfpoauth.provider.oidc-bench.cfg"), "provider.id=bench\nname=Bench\n"
                    + "tokenEndpoint=" + endpoints + "token\ndeviceAuthorizationEndpoint=" + endpoints + "devicecode\n"
                    + "clientId=bench\nsmtpScopes=mail offline_access\npop3Scopes=mail offline_access\n");
            // The vendor's Google client id ships with the firmware's configuration, before the feature arrives.
            Files.writeString(conf.resolve("io.mfpoauth.provider.google.cfg"),
                    "clientId=bench.apps.googleusercontent.com\n");
            String logLevel = System.getProperty("mfpoauth.bench.log");
            if (logLevel != null) {
                // For profiling: the console log with timestamps (it costs time itself, so never in a measured run).
                Files.writeString(conf.resolve("io.mfpoauth.log.console.cfg"), "minimum.level=" + logLevel + "\n");
            }
            firmware = startFirmware(target, work, port);
            AdminRest rest = new AdminRest(port, PASSWORD);
            awaitUp(rest, firmware, work);
            expect(rest.put("/settings/smtp", "{\"server\":\"127.0.0.1\",\"port\":" + smtp.port() + ",\"timeoutSeconds\":30,"
                    + "\"senderName\":\"P7\",\"senderAddress\":\"scanner@example.test\",\"security\":\"none\","
                    + "\"authMethod\":\"oauth2\",\"provider\":\"bench\",\"account\":\"scanner@example.test\","
                    + "\"oauthMechanism\":\"xoauth2\"}"), 200, "SMTP settings");
            expect(rest.put("/settings/pop/p7", "{\"server\":\"127.0.0.1\",\"port\":" + smtp.port() + ",\"checkIntervalMinutes\":1440,"
                    + "\"timeoutSeconds\":30,\"security\":\"none\",\"authMethod\":\"oauth2\",\"provider\":\"google\","
                    + "\"account\":\"fax@example.test\",\"oauthMechanism\":\"auto\",\"deleteAfterRetrieval\":true,"
                    + "\"enabled\":false}"), 200, "POP settings");
            expect(rest.post("/tokens/smtp/retrieval", "{}"), 202, "Get Token (smtp)");
            awaitState(rest, "smtp", "RETRIEVED");
            if (providerListed(rest, "google")) {
                throw new IllegalStateException("the image already holds the Google provider");
            }
            sender = new Thread(() -> {
                while (sending.get()) {
                    try {
                        AdminRest.Answer a = rest.post("/mail", "{\"to\":[\"fax@example.test\"],\"subject\":\"P7 "
                                + sends.incrementAndGet() + "\",\"text\":\"Sent while a provider is installed.\"}");
                        if (a.status() != 200) {
                            failedSends.incrementAndGet();
                            synchronized (failures) {
                                failures.add(a.status() + " " + a.body());
                            }
                        }
                    } catch (IOException e) {
                        failedSends.incrementAndGet();
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "p7-sender");
            sender.start();
            for (int round = 0; round < ROUNDS; round++) {
                Thread.sleep(500); // sends before the update, too
                long t0 = System.nanoTime();
                AdminRest.Answer installed = rest.postZip("/features", archive);
                long t1 = System.nanoTime();
                expect(installed, 200, "install");
                while (!providerListed(rest, "google")) {
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
                        throw new IllegalStateException("Google was not listed within 30 s");
                    }
                    Thread.sleep(2);
                }
                long t2 = System.nanoTime();
                AdminRest.Answer started = rest.post("/tokens/pop-p7/retrieval", "{}");
                long t3 = System.nanoTime();
                expect(started, 202, "Get Token with Google");
                JsonNode url = started.json().path("authorization").path("authorizationUrl");
                if (!url.asText().startsWith("https://accounts.google.com/")) {
                    throw new IllegalStateException("no Google sign-in address: " + started.body());
                }
                rounds.add(new double[] {(t1 - t0) / 1e6, (t2 - t0) / 1e6, (t3 - t0) / 1e6});
                System.out.println(Results.f("P7 round %d: install answered %.0f ms, listed %.0f ms, Get Token started %.0f ms",
                        round + 1, (t1 - t0) / 1e6, (t2 - t0) / 1e6, (t3 - t0) / 1e6));
                rest.delete("/tokens/pop-p7/retrieval");
                String id = installed.json().path("id").asText();
                expect(rest.delete("/features/" + id), 204, "remove");
                while (providerListed(rest, "google")) {
                    Thread.sleep(10);
                }
            }
            Thread.sleep(500);
            sending.set(false);
            sender.join(TimeUnit.SECONDS.toMillis(60));
            System.out.println("P7 sends: " + sends.get() + ", failed " + failedSends.get() + ", accepted by the server "
                    + smtp.accepted.get());
        } finally {
            sending.set(false);
            if (sender != null && sender.isAlive()) {
                sender.interrupt();
                sender.join(10_000);
            }
            if (firmware != null) {
                stop(firmware);
            }
            if (System.getProperty("mfpoauth.keep") == null) {
                deleteTree(work);
            } else {
                System.out.println("P7 firmware folder kept: " + work);
            }
        }
        double[] answered = rounds.stream().mapToDouble(r -> r[0]).toArray();
        double[] listed = rounds.stream().mapToDouble(r -> r[1]).toArray();
        double[] usable = rounds.stream().mapToDouble(r -> r[2]).toArray();
        boolean met = Results.median(usable) <= TARGET_MILLIS && failedSends.get() == 0;
        Results.write(results, "P7", Results.f(
                "| P7 | installing a provider feature until usable (REST install → Get Token started; %d rounds); sends failing meanwhile | median %.0f ms, max %.0f ms; %d of %d sends failed | — | — | ≤ 250 ms; 0 | %s |",
                rounds.size(), Results.median(usable), Results.max(usable), failedSends.get(), sends.get(),
                met ? "yes" : "no"),
                Results.f("P7: the exported image less the Google bundle in Felix (own JVM, -Xmx32m), %d rounds of: "
                        + "POST /api/v1/features with provider-google's archive, poll GET /api/v1/providers every 2 ms "
                        + "until Google is listed, POST /api/v1/tokens/pop-p7/retrieval (a POP setting naming Google) "
                        + "until its browser sign-in address comes back; then cancel and DELETE the feature. Install "
                        + "request answered: median %.0f ms (max %.0f); provider listed: median %.0f ms (max %.0f); Get "
                        + "Token started: median %.0f ms (max %.0f); all from the start of the install request, over "
                        + "HTTP on loopback. Meanwhile %d test mails were posted one after another (SMTP with XOAUTH2 on "
                        + "the existing token, to a scripted loopback server): %d failed%s.",
                        rounds.size(), Results.median(answered), Results.max(answered), Results.median(listed),
                        Results.max(listed), Results.median(usable), Results.max(usable), sends.get(),
                        failedSends.get(), failures.isEmpty() ? "" : " (first: " + failures.get(0) + ")"));
    }

    private static Process startFirmware(Path target, Path work, int port) throws IOException {
        Path javaCommand = Path.of(System.getProperty("java.home"), "bin", "java");
        // Only the framework and this launcher: everything else comes from the image's bundles, as on the device.
        String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("org.apache.felix.framework") || Files.isDirectory(Path.of(e)))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder builder = new ProcessBuilder(javaCommand.toString(), "-Xmx32m",
                "-Dorg.osgi.service.http.port=" + port, "-cp", classPath,
                FirmwareImage.class.getName(), target.toString(), work.toString(), GOOGLE)
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("firmware.log").toFile());
        builder.environment().put("MFPOAUTH_ADMIN_PASSWORD", PASSWORD);
        return builder.start();
    }

    private static void stop(Process firmware) throws InterruptedException {
        firmware.destroy();
        if (!firmware.waitFor(20, TimeUnit.SECONDS)) {
            firmware.destroyForcibly();
            firmware.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitUp(AdminRest rest, Process firmware, Path work) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!rest.up()) {
            if (!firmware.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the firmware did not come up:\n"
                        + Files.readString(work.resolve("firmware.log"), StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        }
        // The mail and token services register a little after the HTTP server: wait until settings answer.
        while (rest.get("/settings/smtp").status() != 200 || rest.get("/tokens/smtp").status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the firmware's services did not come up");
            }
            Thread.sleep(200);
        }
    }

    private static void awaitState(AdminRest rest, String slot, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            AdminRest.Answer a = rest.get("/tokens/" + slot);
            if (a.json() != null && state.equals(a.json().path("state").asText())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(slot + " did not reach " + state + ": " + a.body());
            }
            Thread.sleep(100);
        }
    }

    private static boolean providerListed(AdminRest rest, String id) throws IOException, InterruptedException {
        AdminRest.Answer a = rest.get("/providers");
        if (a.json() == null) {
            return false;
        }
        for (JsonNode p : a.json()) {
            if (id.equals(p.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void expect(AdminRest.Answer a, int status, String what) {
        if (a.status() != status) {
            throw new IllegalStateException(what + ": HTTP " + a.status() + " " + a.body());
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
