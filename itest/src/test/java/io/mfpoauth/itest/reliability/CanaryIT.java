package io.mfpoauth.itest.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.Test;

import io.mfpoauth.itest.web.AdminApi;

/**
 * Issue 6, R4: a canary access token ({@code CANARYAT…}) and refresh token ({@code CANARYRT…}) run through every
 * flow of the exported firmware ({@code firmware.jar}, a real process, console log at DEBUG), then everything the
 * firmware wrote or answered is searched for them: the whole console log, the event stream ({@code /api/v1/events},
 * recorded throughout), every REST answer (bodies and headers, error messages included), the configuration folder,
 * the framework's storage (searched while the firmware runs, since a clean stop removes it), ConfigAdmin's files and
 * every file under the data folder, before Delete (the encrypted token files, as bytes: not decrypted) and after.
 *
 * <p>Also a confidential generic provider is configured through REST with a canary client secret ({@code CANARYCS…}):
 * it is searched for in the same places except ConfigAdmin's files (the framework storage, and the settings store's
 * {@code <data>/config}), where it is kept as typed (a known gap: unlike mail passwords, client secrets are not
 * sealed; the folder is the owner's only).
 *
 * <p>The flows: device-flow Get Token for SMTP and for a POP setting, an SMTP connection test whose first sign-in
 * the server refuses (one forced refresh), timed refreshes of short-lived tokens, a test mail, a POP check refused
 * once and a POP connection test, a timed refresh answered {@code invalid_grant} with the refresh token echoed in
 * its description (the slot turns INVALID) and a POP check then, a forced refresh the provider answers with a 503
 * echoing the refresh token, and Delete with revocation.
 *
 * <p>What is searched for, in every place: each canary's prefix, raw (also its URL-encoded and percent-free forms,
 * identical for these characters) and hex, and base64 (standard and URL-safe) of the prefix at each of the three byte
 * alignments, which catches base64 of the raw token and of the XOAUTH2/OAUTHBEARER strings wherever the token sits in
 * them; and each whole token issued. The test first shows that this search finds the canary where it must be (the
 * mail servers' SASL responses), then asserts 0 hits, listing each place found otherwise.
 *
 * <p>Needs no Keycloak or mail server: its mail servers are {@link CanaryMailServer}s. {@code -Dreliability.long=true}
 * changes nothing here (the run is the same size).
 */
public class CanaryIT {
    private static final String PASSWORD = "canary-admin-pw-1";
    private static final String ACCESS_PREFIX = "CANARYAT";
    private static final String REFRESH_PREFIX = "CANARYRT";
    /** A provider's client secret, a secret the administrator types in: it must not show either. */
    private static final String SECRET_PREFIX = "CANARYCS";
    private static final String ACCOUNT = "scanner@mfp.test";

    @Test
    public void canaryTokensAppearNowhere() throws Exception {
        try (RotatingTokenServer auth = new RotatingTokenServer(ACCESS_PREFIX, REFRESH_PREFIX);
                CanaryMailServer smtp = new CanaryMailServer(CanaryMailServer.Protocol.SMTP);
                CanaryMailServer pop = new CanaryMailServer(CanaryMailServer.Protocol.POP3);
                CrashFirmware firmware = new CrashFirmware("CanaryIT", PASSWORD, Map.of(
                        "io.mfpoauth.provider.oidc-canary.cfg", auth.providerConfiguration("canary"),
                        "io.mfpoauth.log.console.cfg", "minimum.level=DEBUG\n"))) {
            firmware.start();
            AdminApi api = new AdminApi(firmware.base(), "admin", PASSWORD);
            List<String> recorded = new ArrayList<>();
            try (EventRecorder events = new EventRecorder(firmware, PASSWORD)) {
                Map<String, String> hits = new LinkedHashMap<>();
                runEveryFlow(api, auth, smtp, pop, firmware, hits);
                recorded.add(events.text());
                // ConfigAdmin's files live in the framework storage, which a clean stop removes: search it now. The
                // client secret is kept there as the administrator typed it (a known gap, unlike the tokens): it is
                // searched for in what the firmware shows and answers, not in the framework storage.
                List<String> needles = needles(auth.issued());
                List<String> tokenNeedles = needles.stream().filter(n -> !isSecretNeedle(n)).toList();
                searchTree(firmware.work().resolve("tmp"), tokenNeedles, hits);
                searchTree(firmware.conf(), needles, hits);
                firmware.close();
                recorded.set(0, events.text());
                searchData(firmware, needles, hits);
                searchTree(firmware.work().resolve("tmp"), tokenNeedles, hits);
                for (Path log : firmware.logs()) {
                    search("console log " + log.getFileName(), CrashFirmware.read(log), needles, hits);
                }
                search("event stream", recorded.get(0), needles, hits);
                int n = 0;
                for (AdminApi.Reply r : api.replies()) {
                    n++;
                    search("REST answer " + n + " " + r.response.request().method() + " " + r.response.uri().getPath(),
                            r.response.headers().map() + "\n" + r.body, needles, hits);
                }
                System.out.println(String.format("CanaryIT: %d tokens issued, %d refreshes, %d REST answers, %d bytes "
                        + "of events, %d bytes of console log searched for %d needles: %d hits", auth.issued().size(),
                        auth.refreshes.get(), n, recorded.get(0).length(), firmware.log().length(), needles.size(),
                        hits.size()));
                if (!hits.isEmpty()) {
                    StringBuilder b = new StringBuilder("canary found:\n");
                    hits.forEach((where, context) -> b.append("  ").append(where).append(": ").append(context).append('\n'));
                    fail(b.toString());
                }
                assertTrue("the events were recorded: " + recorded.get(0), recorded.get(0).contains("event: token"));
            }
        }
    }

    /** Every flow that handles the tokens, each checked to have really happened. */
    private static void runEveryFlow(AdminApi api, RotatingTokenServer auth, CanaryMailServer smtp,
            CanaryMailServer pop, CrashFirmware firmware, Map<String, String> hits) throws Exception {
        ok(api.put("/api/v1/settings/smtp", Map.of("server", "127.0.0.1", "port", smtp.port(), "security", "none",
                "authMethod", "oauth2", "provider", "canary", "account", ACCOUNT, "senderAddress", ACCOUNT)));
        ok(api.put("/api/v1/settings/pop/fax", Map.of("server", "127.0.0.1", "port", pop.port(), "security", "none",
                "authMethod", "oauth2", "provider", "canary", "account", ACCOUNT, "checkIntervalMinutes", 1440,
                "deleteAfterRetrieval", true, "enabled", true)));
        getToken(api, "smtp");
        getToken(api, "pop-fax");
        ok(api.put("/api/v1/providers/corp", Map.of("type", "oidc", "name", "Corp", "issuer",
                auth.uri("/realms/corp").toString(), "clientId", "corp-device", "clientSecret",
                SECRET_PREFIX + Long.toHexString(System.nanoTime()), "scopes", Map.of("smtp", "mail"))));

        // A refused sign-in forces a refresh; the fresh token lives 1 s, so the timer renews it too.
        auth.expiresInSeconds = 1;
        smtp.refusals.set(1);
        int before = auth.refreshes.get();
        Map<String, Object> test = ok(api.post("/api/v1/settings/smtp/test", null)).object();
        assertEquals("SMTP test after one refusal: " + test, Boolean.TRUE, test.get("ok"));
        assertTrue("timed refresh", auth.awaitRefreshes(before + 2, 30_000));
        auth.expiresInSeconds = 3600;
        assertTrue("timed refresh to a long-lived token", auth.awaitRefreshes(before + 3, 30_000));

        Map<String, Object> mail = ok(api.post("/api/v1/mail", Map.of("to", List.of("fax@mfp.test"), "subject",
                "canary", "text", "a test mail"))).object();
        assertTrue("sent: " + mail, mail.get("messageId") != null);
        assertEquals(1, smtp.messages.get());

        // POP's forced refresh brings a 1 s token, so its timer renews it again and again: the next of those
        // renewals is answered invalid_grant with the refresh token echoed, and the slot turns INVALID.
        auth.expiresInSeconds = 1;
        pop.refusals.set(1);
        Map<String, Object> poll = awaitAvailable(api, "/api/v1/pop/fax/poll").object();
        assertEquals("POP check after one refusal: " + poll, Boolean.TRUE, poll.get("ok"));
        Map<String, Object> popTest = ok(api.post("/api/v1/settings/pop/fax/test", null)).object();
        assertEquals("POP test: " + popTest, Boolean.TRUE, popTest.get("ok"));
        auth.echoingGrant = 1; // pop-fax's
        auth.echoingVerdicts.set(1);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"INVALID".equals(api.get("/api/v1/tokens/pop-fax").object().get("state"))) {
            if (System.nanoTime() > deadline) {
                fail("not INVALID after the echoing invalid_grant: " + api.get("/api/v1/tokens/pop-fax"));
            }
            Thread.sleep(200);
        }
        auth.expiresInSeconds = 3600;
        Map<String, Object> noToken = ok(api.post("/api/v1/pop/fax/poll", null)).object();
        assertEquals("POP check without a usable token: " + noToken, Boolean.FALSE, noToken.get("ok"));

        // The provider echoes the request (the refresh token in it) in a transient error.
        smtp.refusals.set(1);
        auth.echoingGrant = 0; // smtp's
        auth.echoingFailures.set(1);
        Map<String, Object> echoed = ok(api.post("/api/v1/settings/smtp/test", null)).object();
        assertEquals("SMTP test while the provider fails: " + echoed, Boolean.FALSE, echoed.get("ok"));
        assertEquals("the echoing 503 was answered", 0, auth.echoingFailures.get());
        api.get("/api/v1/tokens");

        // The store files, while they hold the tokens (Delete erases them): bytes as they are, not decrypted.
        try (Stream<Path> stored = Files.list(firmware.data().resolve("tokens"))) {
            assertEquals("two token files", 2, stored.filter(f -> f.toString().endsWith(".token")).count());
        }
        searchData(firmware, needles(auth.issued()), hits);

        // Delete revokes the refresh token at the provider (in the background).
        ok(api.delete("/api/v1/tokens/smtp"));
        ok(api.delete("/api/v1/tokens/pop-fax"));
        deadline = System.nanoTime() + 30_000_000_000L;
        while (!revoked(auth) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue("a refresh token revoked at the provider", revoked(auth));
        api.get("/api/v1/tokens");

        // The canary did go through the mail paths: the search must find it there (a check of the search itself).
        List<String> needles = needles(auth.issued());
        for (CanaryMailServer server : List.of(smtp, pop)) {
            String seen = String.join("\n", server.saslResponses());
            Map<String, String> found = new LinkedHashMap<>();
            search("mail server", seen, needles, found);
            assertFalse("the canary reached the mail server: " + seen.length(), found.isEmpty());
        }
        String xoauth2 = Base64.getEncoder().encodeToString(("user=" + ACCOUNT + "\u0001auth=Bearer "
                + auth.issued().get(0) + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
        Map<String, String> control = new LinkedHashMap<>();
        search("control", "AUTH XOAUTH2 " + xoauth2, needles, control);
        assertFalse("the search finds a base64 XOAUTH2 string", control.isEmpty());
    }

    private static boolean revoked(RotatingTokenServer auth) {
        synchronized (auth) {
            return auth.revoked.stream().anyMatch(t -> t != null && t.startsWith(REFRESH_PREFIX));
        }
    }

    private static void getToken(AdminApi api, String slot) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long pause = 100;
        AdminApi.Reply r;
        // The provider's and the POP setting's components appear shortly after the start or the PUT.
        while ((r = api.post("/api/v1/tokens/" + slot + "/retrieval", null)).status != 202) {
            if (System.nanoTime() > deadline) {
                fail("Get Token " + slot + ": " + r);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
        pause = 100;
        while (!"RETRIEVED".equals((r = api.get("/api/v1/tokens/" + slot)).object().get("state"))) {
            if (System.nanoTime() > deadline) {
                fail(slot + " not RETRIEVED: " + r);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    private static AdminApi.Reply awaitAvailable(AdminApi api, String path) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long pause = 100;
        AdminApi.Reply r;
        while ((r = api.post(path, null)).status == 503) {
            if (System.nanoTime() > deadline) {
                fail(path + ": " + r);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
        return ok(r);
    }

    private static AdminApi.Reply ok(AdminApi.Reply r) {
        if (r.status / 100 != 2) {
            fail("unexpected answer: " + r);
        }
        return r;
    }

    // ------------------------------------------------------------------ the search

    private static boolean isSecretNeedle(String needle) {
        return prefixNeedles(SECRET_PREFIX).contains(needle);
    }

    /** What to look for (see the class comment). */
    static List<String> needles(List<String> tokens) {
        List<String> needles = new ArrayList<>();
        for (String prefix : List.of(ACCESS_PREFIX, REFRESH_PREFIX, SECRET_PREFIX)) {
            needles.addAll(prefixNeedles(prefix));
        }
        needles.addAll(tokens);
        return needles.stream().distinct().toList();
    }

    private static List<String> prefixNeedles(String prefix) {
        List<String> needles = new ArrayList<>();
        needles.add(prefix);
        needles.add(URLEncoder.encode(prefix, StandardCharsets.UTF_8));
        needles.add(HexFormat.of().formatHex(prefix.getBytes(StandardCharsets.US_ASCII)));
        needles.add(HexFormat.of().withUpperCase().formatHex(prefix.getBytes(StandardCharsets.US_ASCII)));
        for (int align = 0; align < 3; align++) {
            needles.add(alignedBase64(prefix, align, Base64.getEncoder()));
            needles.add(alignedBase64(prefix, align, Base64.getUrlEncoder()));
        }
        return needles;
    }

    /**
     * The base64 characters that depend only on {@code text} when it follows {@code align} other bytes (mod 3): they
     * appear in the base64 of any string that holds {@code text} at such an offset.
     */
    static String alignedBase64(String text, int align, Base64.Encoder encoder) {
        byte[] raw = text.getBytes(StandardCharsets.US_ASCII);
        byte[] shifted = new byte[align + raw.length];
        System.arraycopy(raw, 0, shifted, align, raw.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int first = (align * 8 + 5) / 6; // the first character with no bit of the leading bytes
        int last = (shifted.length * 8) / 6; // the characters before it hold no bit of what follows
        return encoded.substring(first, last);
    }

    /** The data folder; its settings (ConfigAdmin's files) hold the client secret as typed: see the class comment. */
    private static void searchData(CrashFirmware firmware, List<String> needles, Map<String, String> hits)
            throws IOException {
        Path settings = firmware.data().resolve("config");
        searchTree(settings, needles.stream().filter(n -> !isSecretNeedle(n)).toList(), hits);
        searchTree(firmware.data(), needles, hits, settings);
    }

    private static void searchTree(Path root, List<String> needles, Map<String, String> hits, Path... except)
            throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(except).noneMatch(f::startsWith)).toList();
        }
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException goneMeanwhile) {
                continue;
            }
            search(f.toString(), new String(bytes, StandardCharsets.ISO_8859_1), needles, hits);
        }
    }

    private static void search(String where, String text, List<String> needles, Map<String, String> hits) {
        for (String needle : needles) {
            int at = text.indexOf(needle);
            if (at >= 0) {
                int from = Math.max(0, at - 60);
                int to = Math.min(text.length(), at + needle.length() + 60);
                hits.putIfAbsent(where + " [" + needle + "]", text.substring(from, to).replaceAll("[\\x00-\\x1f]", "."));
            }
        }
    }

    /** {@code GET /api/v1/events} read in the background for the whole run; everything received is kept. */
    private static final class EventRecorder implements AutoCloseable {
        private final StringBuilder received = new StringBuilder();
        private final CompletableFuture<HttpResponse<InputStream>> response;
        private final Thread reader;

        EventRecorder(CrashFirmware firmware, String password) throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(firmware.base().resolve("/api/v1/events"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                    .header("Accept", "text/event-stream").GET().build();
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> r = response.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("event stream", 200, r.statusCode());
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (InputStream in = r.body()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (received) {
                            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException ended) {
                    // the stream ends with the firmware or with close()
                }
            }, "CanaryIT events");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            synchronized (received) {
                return received.toString();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                response.get().body().close();
            } catch (IOException ignored) {
                // already ended
            }
            reader.join(10_000);
        }
    }
}
