package io.mfpoauth.itest.web;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mfpoauth.itest.keycloak.Json;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The admin REST API's guard on the exported firmware (README "Admin REST API (v1)"): every endpoint refuses a
 * caller without credentials and changes nothing; the browser's session needs its CSRF token; bad values, unknown
 * slots, oversized and non-JSON bodies get their answers; script typed into a field comes back as data; a client
 * secret is never returned; the security headers are on every answer; repeated wrong passwords are slowed down.
 * Needs no test server: it runs with {@code -Dkeycloak.skip=true} too.
 */
public class RestApiIT {
    private static final String PASSWORD = "rest-" + UUID.randomUUID();
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] {"GET", "/api/v1/providers"}, new String[] {"GET", "/api/v1/providers/proposal?host=x"},
            new String[] {"PUT", "/api/v1/providers/evil"}, new String[] {"DELETE", "/api/v1/providers/evil"},
            new String[] {"GET", "/api/v1/tokens"}, new String[] {"GET", "/api/v1/tokens/smtp"},
            new String[] {"POST", "/api/v1/tokens/smtp/retrieval"},
            new String[] {"POST", "/api/v1/tokens/smtp/retrieval/complete"},
            new String[] {"DELETE", "/api/v1/tokens/smtp/retrieval"}, new String[] {"DELETE", "/api/v1/tokens/smtp"},
            new String[] {"GET", "/api/v1/tokens/smtp/qr.svg"}, new String[] {"GET", "/api/v1/events"},
            new String[] {"GET", "/api/v1/settings/smtp"}, new String[] {"PUT", "/api/v1/settings/smtp"},
            new String[] {"GET", "/api/v1/settings/pop"}, new String[] {"GET", "/api/v1/settings/pop/ifax"},
            new String[] {"PUT", "/api/v1/settings/pop/ifax"}, new String[] {"DELETE", "/api/v1/settings/pop/ifax"},
            new String[] {"POST", "/api/v1/settings/smtp/test"}, new String[] {"POST", "/api/v1/settings/pop/ifax/test"},
            new String[] {"POST", "/api/v1/mail"}, new String[] {"GET", "/api/v1/pop/ifax/messages"},
            new String[] {"POST", "/api/v1/pop/ifax/poll"}, new String[] {"GET", "/api/v1/features"},
            new String[] {"POST", "/api/v1/features"}, new String[] {"DELETE", "/api/v1/features/provider-google"},
            new String[] {"PUT", "/api/v1/admin/password"}, new String[] {"GET", "/api/v1/session"});

    private static FirmwareProcess firmware;
    private static AdminApi admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void start() throws Exception {
        firmware = FirmwareProcess.start("rest", PASSWORD, Map.of());
        admin = new AdminApi(firmware.base(), "admin", PASSWORD);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (firmware != null) {
            firmware.close();
        }
    }

    @Test
    public void withoutCredentialsEveryEndpointAnswers401AndNothingChanges() throws Exception {
        String before = admin.get("/api/v1/settings/smtp").body;
        AdminApi anonymous = new AdminApi(firmware.base(), null, null);
        for (String[] e : ENDPOINTS) {
            AdminApi.Reply r = anonymous.send(e[0], e[1], e[0].equals("GET") || e[0].equals("DELETE") ? null
                    : "{\"server\":\"evil.example.com\"}");
            assertEquals(e[0] + " " + e[1], 401, r.status);
            assertEquals("{\"error\":\"unauthorized\"}", r.body);
            assertSecurityHeaders(r);
        }
        assertEquals(before, admin.get("/api/v1/settings/smtp").body);
    }

    @Test
    public void theBrowsersSessionNeedsItsCsrfTokenForEveryChange() throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session", null, null,
                "{\"user\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie, cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        String session = cookie.substring(0, cookie.indexOf(';'));
        String csrf = (String) Json.object(login.body()).get("csrfToken");
        assertNotNull(csrf);

        assertEquals(200, send("GET", "/api/v1/settings/smtp", session, null, null).statusCode());
        String change = "{\"server\":\"smtp.example.com\",\"senderAddress\":\"mfp@example.com\"}";
        HttpResponse<String> noToken = send("PUT", "/api/v1/settings/smtp", session, null, change);
        assertEquals(403, noToken.statusCode());
        assertEquals("csrf", Json.object(noToken.body()).get("error"));
        assertEquals(403, send("PUT", "/api/v1/settings/smtp", session, "wrong-" + csrf, change).statusCode());
        assertNull("nothing changed", admin.get("/api/v1/settings/smtp").object().get("server"));
        assertEquals(200, send("PUT", "/api/v1/settings/smtp", session, csrf, change).statusCode());
        assertEquals("smtp.example.com", admin.get("/api/v1/settings/smtp").object().get("server"));

        assertEquals(204, send("DELETE", "/api/v1/session", session, csrf, null).statusCode());
        assertEquals(401, send("GET", "/api/v1/settings/smtp", session, null, null).statusCode());
    }

    @Test
    public void badValuesUnknownSlotsAndOversizedOrNonJsonBodiesAreRefused() throws Exception {
        Map<String, Object> smtp = new LinkedHashMap<>();
        smtp.put("server", "smtp.example.com:25");
        AdminApi.Reply bad = admin.put("/api/v1/settings/smtp", smtp);
        assertEquals(400, bad.status);
        assertEquals("server", bad.object().get("field"));
        assertEquals(400, admin.put("/api/v1/settings/smtp", Map.of("security", "ssl3")).status);
        assertEquals(400, admin.send("PUT", "/api/v1/settings/smtp", "{not json").status);
        assertEquals(404, admin.get("/api/v1/tokens/pop-nosuch").status);
        assertEquals(404, admin.get("/api/v1/tokens/../../etc/passwd").status);
        assertEquals(404, admin.get("/api/v1/settings/pop/nosuch").status);
        assertEquals(413, admin.send("PUT", "/api/v1/settings/smtp",
                "{\"senderName\":\"" + "x".repeat(70 * 1024) + "\"}").status);
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(firmware.base().resolve("/api/v1/settings/smtp"))
                .header("Authorization", basic()).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("server=evil")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode());
        assertEquals(409, admin.post("/api/v1/tokens/smtp/retrieval", null).status);
    }

    @Test
    public void scriptInAFieldComesBackAsDataAndSecretsNeverComeBack() throws Exception {
        String script = "<script>alert(1)</script>";
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("type", "oidc");
        provider.put("name", script);
        provider.put("issuer", "https://login.example.com/realms/x");
        provider.put("clientId", "mfp");
        provider.put("clientSecret", "very-secret-value");
        provider.put("scopes", Map.of("smtp", "email", "pop3", "email"));
        provider.put("hosts", List.of("example.com"));
        AdminApi.Reply saved = admin.put("/api/v1/providers/acme", provider);
        assertEquals(saved.toString(), 200, saved.status);
        assertTrue(saved.header("Content-Type"), saved.header("Content-Type").startsWith("application/json"));
        for (AdminApi.Reply r : List.of(saved, admin.get("/api/v1/providers"))) {
            assertFalse("the client secret is write-only: " + r, r.body.contains("very-secret-value"));
        }
        assertEquals(409, admin.delete("/api/v1/providers/microsoft").status);
        assertEquals(204, admin.delete("/api/v1/providers/acme").status);

        Map<String, Object> smtp = new LinkedHashMap<>();
        smtp.put("server", "smtp.example.com");
        smtp.put("senderAddress", "mfp@example.com");
        smtp.put("senderName", script);
        smtp.put("authMethod", "password");
        smtp.put("username", "mfp");
        smtp.put("password", "mailbox-password-1");
        AdminApi.Reply stored = admin.put("/api/v1/settings/smtp", smtp);
        assertEquals(stored.toString(), 200, stored.status);
        AdminApi.Reply read = admin.get("/api/v1/settings/smtp");
        assertEquals(script, read.object().get("senderName"));
        assertEquals(Boolean.TRUE, read.object().get("passwordSet"));
        assertFalse("the password is write-only", read.body.contains("mailbox-password-1"));
        for (AdminApi.Reply r : admin.replies()) {
            assertSecurityHeaders(r);
            assertFalse(r.body.contains("mailbox-password-1") || r.body.contains("very-secret-value"));
        }
        assertFalse("no secret in the console log", firmware.log().contains("mailbox-password-1")
                || firmware.log().contains("very-secret-value"));
    }

    @Test
    public void popSettingsFeaturesAndThePasswordThroughTheApi() throws Exception {
        Map<String, Object> pop = new LinkedHashMap<>();
        pop.put("server", "pop.example.com");
        pop.put("authMethod", "password");
        pop.put("username", "fax");
        pop.put("password", "fax-password-1");
        AdminApi.Reply created = admin.put("/api/v1/settings/pop/office", pop);
        assertEquals(created.toString(), 200, created.status);
        assertEquals("office", created.object().get("id"));
        assertTrue(admin.get("/api/v1/settings/pop").array().stream()
                .anyMatch(s -> "office".equals(((Map<?, ?>) s).get("id"))));
        assertEquals(204, admin.delete("/api/v1/settings/pop/office").status);
        assertEquals(404, admin.get("/api/v1/settings/pop/office").status);

        assertEquals(200, admin.get("/api/v1/features").status);
        HttpResponse<String> notAnArchive = http.send(HttpRequest.newBuilder(firmware.base().resolve("/api/v1/features"))
                .header("Authorization", basic()).header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofString("not a zip")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(notAnArchive.body(), 400, notAnArchive.statusCode());
        assertEquals(404, admin.delete("/api/v1/features/no-such-feature").status);

        String next = "next-" + UUID.randomUUID();
        AdminApi.Reply wrongCurrent = admin.put("/api/v1/admin/password", Map.of("current", "nope", "new", next));
        assertEquals(400, wrongCurrent.status);
        assertEquals("current", wrongCurrent.object().get("field"));
        assertEquals(204, admin.put("/api/v1/admin/password", Map.of("current", PASSWORD, "new", next)).status);
        AdminApi changed = new AdminApi(firmware.base(), "admin", next);
        assertEquals(200, changed.get("/api/v1/tokens").status);
        assertEquals(204, changed.put("/api/v1/admin/password", Map.of("current", next, "new", PASSWORD)).status);
        assertEquals(200, admin.get("/api/v1/tokens").status);
    }

    @Test
    public void repeatedWrongPasswordsAreSlowedDown() throws Exception {
        // From another loopback address (the throttle counts per address), so the administrator's own
        // requests from 127.0.0.1 in the other tests are not slowed down by this one.
        String status = "";
        for (int i = 0; i < 8 && !status.startsWith("429"); i++) {
            status = guessFrom("127.0.0.2");
        }
        assertTrue(status, status.startsWith("429"));
        assertTrue("says when to try again: " + status, status.contains("retry-after:"));
        assertEquals("the administrator elsewhere is not locked out", 200, admin.get("/api/v1/tokens").status);
    }

    /** One request with a wrong password from {@code source}: its status code and headers, lower case. */
    private String guessFrom(String source) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(source, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", firmware.base().getPort()), 5_000);
            socket.setSoTimeout(10_000);
            String auth = java.util.Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(("GET /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                    + auth + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
            return head.substring(head.indexOf(' ') + 1);
        }
    }

    @Test
    public void theWebPageIsServedWithItsSecurityHeaders() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
    }

    private static void assertSecurityHeaders(AdminApi.Reply r) {
        assertTrue(r.header("Cache-Control"), r.header("Cache-Control").contains("no-store"));
        assertEquals("DENY", r.header("X-Frame-Options"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertTrue(r.header("Content-Security-Policy"), r.header("Content-Security-Policy").contains("default-src 'self'"));
    }

    private String basic() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(String method, String path, String cookie, String csrf, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(firmware.base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).header("X-MFP-Client", "web");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
