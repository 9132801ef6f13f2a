package io.mfpoauth.itest.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Test;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.web.AdminApi;

/**
 * Issue 6, R1: the exported firmware ({@code firmware.jar}, a real process) is killed with SIGKILL at random points
 * while it refreshes, rotates and stores the SMTP token, and started again on the same data folder each time.
 *
 * <p>The cycles: {@link RotatingTokenServer} answers every token with {@code expires_in: 0} and a new refresh token,
 * so each token is due as soon as it arrives and the token service's own renewal timer refreshes back to back; each
 * cycle is one refresh request, one rotation and one durable store of the encrypted record. The kill falls after a
 * random number of cycles plus a random fraction of one (a seeded {@link Random}; the seed is printed and
 * {@code -Dreliability.seed=<n>} replays it), so it lands before a request, while the server answers, between the
 * answer and the store, or inside the store's write, fsync and rename.
 *
 * <p>After each restart: the {@code smtp} slot is {@code RETRIEVED} with no store error (REST and console log), and
 * the next refresh presents a refresh token the server still accepts. At the end: no retired refresh token was ever
 * presented (no rotated token lost), no unknown token, no unreadable store, one slot in a consistent state.
 *
 * <p>CI size: 1,000 cycles over about 15 kills. {@code -Dreliability.long=true} (read with
 * {@link Boolean#getBoolean}): 10,000 cycles over about 100 kills. Needs no Keycloak or mail server
 * ({@code -Dkeycloak.skip=true} is fine).
 */
public class CrashIT {
    private static final String PASSWORD = "crash-admin-pw-1";
    private static final Pattern STORE_TROUBLE = Pattern.compile(
            "(?i)unreadable|could not be stored|store_failed|store_unreadable|cannot be listed|could not be erased");

    @Test
    public void killsDuringRefreshRotateStoreLoseNoRotatedToken() throws Exception {
        boolean longRun = Boolean.getBoolean("reliability.long");
        int targetCycles = longRun ? 10_000 : 1_000;
        int kills = longRun ? 100 : 15;
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        System.out.println("CrashIT: seed " + seed + " (replay with -Dreliability.seed=" + seed + "), "
                + targetCycles + " cycles, about " + kills + " kills");
        Random random = new Random(seed);

        try (RotatingTokenServer server = new RotatingTokenServer("at-", "rt-");
                CrashFirmware firmware = new CrashFirmware("CrashIT", PASSWORD,
                        Map.of("io.mfpoauth.provider.oidc-rot.cfg", server.providerConfiguration("rot")))) {
            firmware.start();
            AdminApi api = new AdminApi(firmware.base(), "admin", PASSWORD);
            server.expiresInSeconds = 0; // every token is due at once: back-to-back cycles from Get Token on
            getToken(api, server);

            int leftoverTemps = 0;
            int restarts = 0;
            long started = System.nanoTime();
            long restartNanos = 0;
            int perKill = Math.max(1, targetCycles / kills);
            while (server.refreshes.get() < targetCycles) {
                int killAt = server.refreshes.get() + 1 + random.nextInt(2 * perKill);
                if (!server.awaitRefreshes(killAt, 60_000)) {
                    fail("no refresh for 60 s (at " + server.refreshes.get() + "); slot: "
                            + api.get("/api/v1/tokens/smtp") + "\n" + firmware.log());
                }
                // A cycle took about 60 ms here (a loaded 2-core machine): wake at a random point of the next one or two.
                Thread.sleep(random.nextInt(90));
                int before = server.refreshes.get();
                firmware.kill();
                leftoverTemps += temporaryFiles(firmware.data());
                long restart = System.nanoTime();
                firmware.start();
                restarts++;
                api = new AdminApi(firmware.base(), "admin", PASSWORD);
                Map<String, Object> slot = awaitSlot(api);
                assertRetrievedWithoutStoreError(slot, firmware, "after restart " + restarts);
                // The first refresh after the restart must use a refresh token the server still accepts.
                if (!server.awaitRefreshes(before + 1, 60_000)) {
                    fail("no refresh after restart " + restarts + "; slot: " + api.get("/api/v1/tokens/smtp")
                            + "\n" + firmware.log());
                }
                restartNanos += System.nanoTime() - restart;
                assertEquals("retired refresh tokens presented (rotations lost) after restart " + restarts, 0,
                        server.retiredPresented.get());
            }
            Map<String, Object> last = awaitSlot(api);
            assertRetrievedWithoutStoreError(last, firmware, "at the end");
            List<Object> all = tokens(api);
            assertEquals("exactly one slot: " + all, 1, all.size());
            assertEquals("rot", last.get("provider"));
            assertEquals("scanner@mfp.test", last.get("account"));
            firmware.close();

            int storeTrouble = 0;
            for (Path log : firmware.logs()) {
                Matcher m = STORE_TROUBLE.matcher(CrashFirmware.read(log));
                while (m.find()) {
                    storeTrouble++;
                }
            }
            System.out.println(String.format("CrashIT: %d cycles (refreshes answered), %d kills and restarts in %.1f s "
                    + "(restarts %.1f s of it); %d answers lost to a kill and the previous refresh token presented "
                    + "again (allowed); %d retired and %d unknown refresh tokens presented; %d store errors in the logs; "
                    + "%d temporary files left by a kill mid-write",
                    server.refreshes.get(), restarts, (System.nanoTime() - started) / 1e9, restartNanos / 1e9,
                    server.repeatedPresented.get(), server.retiredPresented.get(), server.unknownPresented.get(),
                    storeTrouble, leftoverTemps));
            assertEquals("rotated refresh tokens lost (retired ones presented)", 0, server.retiredPresented.get());
            assertEquals("refresh tokens presented that were never issued", 0, server.unknownPresented.get());
            assertEquals("store errors in the console logs", 0, storeTrouble);
            assertTrue("cycles reached " + targetCycles, server.refreshes.get() >= targetCycles);
        }
    }

    /** Get Token through REST; the server approves at once, so the slot turns RETRIEVED after the first poll. */
    private static void getToken(AdminApi api, RotatingTokenServer server) throws Exception {
        AdminApi.Reply put = api.put("/api/v1/settings/smtp", Map.of("server", "127.0.0.1", "port",
                FirmwareSupport.freePort(), "security", "none", "authMethod", "oauth2", "provider", "rot",
                "account", "scanner@mfp.test", "senderAddress", "scanner@mfp.test"));
        assertTrue("SMTP settings: " + put, put.status == 200 || put.status == 204);
        long deadline = System.nanoTime() + 60_000_000_000L;
        AdminApi.Reply retrieval;
        long pause = 100;
        // The provider's configuration file is picked up by FileInstall shortly after the start.
        while ((retrieval = api.post("/api/v1/tokens/smtp/retrieval", null)).status != 202) {
            if (System.nanoTime() > deadline) {
                fail("Get Token: " + retrieval);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
        pause = 100;
        while (!"RETRIEVED".equals(api.get("/api/v1/tokens/smtp").object().get("state"))) {
            if (System.nanoTime() > deadline) {
                fail("not RETRIEVED: " + api.get("/api/v1/tokens/smtp"));
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    /** The smtp slot once the token service answers (it may still be starting: 503). */
    private static Map<String, Object> awaitSlot(AdminApi api) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long pause = 50;
        while (true) {
            AdminApi.Reply r = api.get("/api/v1/tokens/smtp");
            if (r.status == 200) {
                return r.object();
            }
            if (System.nanoTime() > deadline) {
                fail("the token service did not answer: " + r);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 500);
        }
    }

    private static List<Object> tokens(AdminApi api) throws Exception {
        return api.get("/api/v1/tokens").array();
    }

    @SuppressWarnings("unchecked")
    private static void assertRetrievedWithoutStoreError(Map<String, Object> slot, CrashFirmware firmware, String when)
            throws IOException {
        Map<String, Object> error = (Map<String, Object>) slot.get("error");
        String code = error == null ? null : (String) error.get("code");
        if (!"RETRIEVED".equals(slot.get("state")) || (code != null && code.startsWith("store_"))) {
            fail(when + ": " + slot + "\n" + firmware.log());
        }
    }

    /** Temporary files of an interrupted store write (the store removes them when it opens). */
    private static int temporaryFiles(Path data) throws IOException {
        Path tokens = data.resolve("tokens");
        if (!Files.isDirectory(tokens)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(tokens)) {
            List<Path> temps = new ArrayList<>();
            files.filter(f -> f.getFileName().toString().endsWith(".tmp")).forEach(temps::add);
            return temps.size();
        }
    }
}
