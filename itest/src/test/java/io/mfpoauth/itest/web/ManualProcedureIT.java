package io.mfpoauth.itest.web;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.itest.mail.MailServer;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * The manual's whole procedure, end to end, on the exported firmware jar (started as README command (a) starts
 * it, with {@code -Xmx32m}) against the real Keycloak and mail servers, through the admin REST API as a script or
 * the panel would walk it: the SMTP token shared by every SMTP use, two POP settings with independent tokens,
 * delete, and Invalid after revocation at the provider. No answer and no log line ever holds a token.
 */
public class ManualProcedureIT {
    private static final String PASSWORD = "itest-" + UUID.randomUUID();

    private Keycloak keycloak;
    private MailServer mail;
    private FirmwareProcess firmware;
    private AdminApi api;

    @Before
    public void setUp() throws Exception {
        Assume.assumeFalse("Keycloak skipped", Keycloak.skipped());
        Assume.assumeFalse("mail servers skipped", MailServer.skipped());
        keycloak = Keycloak.fromSystemProperty();
        mail = MailServer.fromSystemProperty();
        firmware = FirmwareProcess.start("manual", PASSWORD, FirmwareProcess.testStack(keycloak, mail));
        api = new AdminApi(firmware.base(), "admin", PASSWORD);
    }

    @After
    public void tearDown() throws Exception {
        if (firmware != null) {
            firmware.close();
        }
    }

    @Test
    public void theManualsProcedureThroughTheRestApi() throws Exception {
        String scanner = keycloak.users().get(0);
        String fax = keycloak.users().get(1);

        // Only the administrator: without credentials, or with a wrong password, nothing is shown or changed.
        assertEquals(401, new AdminApi(firmware.base(), null, null).get("/api/v1/tokens").status);
        assertEquals(401, new AdminApi(firmware.base(), "admin", "wrong").put("/api/v1/settings/smtp",
                Map.of("server", "evil.example.com")).status);

        awaitProvider("keycloak");
        assertEquals("keycloak", api.get("/api/v1/providers/proposal?host=smtp.mfp.test").object().get("provider"));

        // SMTP: OAuth 2.0 with the provider and the account, then Get Token.
        Map<String, Object> smtp = new LinkedHashMap<>();
        smtp.put("server", mail.host());
        smtp.put("port", mail.smtpPort());
        smtp.put("timeoutSeconds", 30);
        smtp.put("senderName", "MFP 3rd floor");
        smtp.put("senderAddress", scanner);
        smtp.put("security", "starttls");
        smtp.put("authMethod", "oauth2");
        smtp.put("provider", "keycloak");
        smtp.put("account", scanner);
        AdminApi.Reply saved = api.put("/api/v1/settings/smtp", smtp);
        assertEquals(saved.toString(), 200, saved.status);
        Map<String, Object> badPort = new LinkedHashMap<>(smtp);
        badPort.put("port", 70000);
        AdminApi.Reply refused = api.put("/api/v1/settings/smtp", badPort);
        assertEquals(400, refused.status);
        assertEquals("port", refused.object().get("field"));

        getToken("smtp", scanner);

        // Every SMTP use takes the one token: the connection test, a scan to e-mail, an internet-fax send.
        awaitTestOk("/api/v1/settings/smtp/test");
        String scanSubject = "scan " + UUID.randomUUID();
        sendMail(fax, scanSubject);
        sendMail(fax, "i-fax " + UUID.randomUUID());
        assertEquals(1, api.get("/api/v1/tokens").array().stream()
                .filter(t -> "smtp".equals(((Map<?, ?>) t).get("slot"))).count());

        // Two POP settings, each with its own token.
        api.put("/api/v1/settings/pop/ifax", pop("ifax", fax, mail.pop3sPort(), "tls"));
        api.put("/api/v1/settings/pop/scan", pop("scan", scanner, mail.pop3Port(), "starttls"));
        getToken("pop-ifax", fax);
        getToken("pop-scan", scanner);
        assertEquals(fax, api.get("/api/v1/tokens/pop-ifax").object().get("account"));
        assertEquals(scanner, api.get("/api/v1/tokens/pop-scan").object().get("account"));
        awaitTestOk("/api/v1/settings/pop/ifax/test");

        Map<String, Object> poll = api.post("/api/v1/pop/ifax/poll", null).object();
        assertEquals(String.valueOf(poll), Boolean.TRUE, poll.get("ok"));
        assertTrue("the scan arrived in the internet-fax mailbox", api.get("/api/v1/pop/ifax/messages").array()
                .stream().anyMatch(m -> scanSubject.equals(((Map<?, ?>) m).get("subject"))));

        // Delete one POP setting's token: the other keeps its own.
        AdminApi.Reply deleted = api.delete("/api/v1/tokens/pop-scan");
        assertEquals(200, deleted.status);
        assertEquals("NOT_RETRIEVED", deleted.object().get("state"));
        assertEquals("Non recuperato", ((Map<?, ?>) deleted.object().get("label")).get("it"));
        assertEquals("RETRIEVED", api.get("/api/v1/tokens/pop-ifax").object().get("state"));
        assertEquals("RETRIEVED", api.get("/api/v1/tokens/smtp").object().get("state"));

        // Revoked at the provider: the next use fails with the mapped reason, and the token becomes Invalid.
        keycloak.logoutUser(fax);
        long deadline = System.currentTimeMillis() + 90_000;
        Map<String, Object> status = api.get("/api/v1/tokens/pop-ifax").object();
        while (!"INVALID".equals(status.get("state")) && System.currentTimeMillis() < deadline) {
            api.post("/api/v1/pop/ifax/poll", null);
            Thread.sleep(1000);
            status = api.get("/api/v1/tokens/pop-ifax").object();
        }
        assertEquals(String.valueOf(status), "INVALID", status.get("state"));
        assertEquals("Non valido", ((Map<?, ?>) status.get("label")).get("it"));

        // Not a token anywhere: Keycloak's tokens are JWTs ("eyJ..."), refresh tokens included.
        for (AdminApi.Reply reply : api.replies()) {
            assertFalse("no token in " + reply, reply.body.contains("eyJ"));
        }
        assertFalse("no token in the console log", firmware.log().contains("eyJ"));
    }

    private Map<String, Object> pop(String id, String account, int port, String security) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("server", mail.host());
        p.put("port", port);
        p.put("checkIntervalMinutes", 60);
        p.put("security", security);
        p.put("authMethod", "oauth2");
        p.put("provider", "keycloak");
        p.put("account", account);
        p.put("deleteAfterRetrieval", true);
        return p;
    }

    private void awaitProvider(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (api.get("/api/v1/providers").array().stream().anyMatch(p -> id.equals(((Map<?, ?>) p).get("id")))) {
                return;
            }
            Thread.sleep(250);
        }
        fail("provider " + id + " did not come up: " + api.get("/api/v1/providers"));
    }

    /** Get Token and confirm; the administrator signs in at the verification address; the state turns Retrieved. */
    private void getToken(String slot, String user) throws Exception {
        AdminApi.Reply started = api.post("/api/v1/tokens/" + slot + "/retrieval", null);
        assertEquals(started.toString(), 202, started.status);
        Map<String, Object> status = started.object();
        assertEquals("AWAITING_AUTHORIZATION", status.get("state"));
        Map<?, ?> authorization = (Map<?, ?>) status.get("authorization");
        assertNotNull("the user code is shown", authorization.get("userCode"));
        AdminApi.Reply qr = api.get("/api/v1/tokens/" + slot + "/qr.svg");
        assertEquals(200, qr.status);
        assertTrue(qr.header("Content-Type"), qr.header("Content-Type").startsWith("image/svg+xml"));
        DeviceApproval.approve((String) authorization.get("verificationUriComplete"), user, keycloak.password());
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            status = api.get("/api/v1/tokens/" + slot).object();
            if ("RETRIEVED".equals(status.get("state"))) {
                assertEquals("Recuperato", ((Map<?, ?>) status.get("label")).get("it"));
                return;
            }
            Thread.sleep(250);
        }
        fail(slot + " was not retrieved: " + status);
    }

    private void awaitTestOk(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        Map<String, Object> result = api.post(path, null).object();
        while (!Boolean.TRUE.equals(result.get("ok")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            result = api.post(path, null).object();
        }
        assertEquals(String.valueOf(result), Boolean.TRUE, result.get("ok"));
    }

    private void sendMail(String to, String subject) throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("to", List.of(to));
        message.put("subject", subject);
        message.put("text", "Scanned document attached.");
        message.put("attachments", List.of(Map.of("name", "scan.pdf", "contentType", "application/pdf",
                "base64", java.util.Base64.getEncoder().encodeToString("%PDF-1.7 test".getBytes()))));
        AdminApi.Reply sent = api.post("/api/v1/mail", message);
        assertEquals(sent.toString(), 200, sent.status);
        assertNotNull(sent.object().get("messageId"));
    }
}
