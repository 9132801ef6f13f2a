package io.mfpoauth.itest.web;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.keycloak.Json;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * R5: every REST endpoint and page of the exported firmware ({@code java -Xmx32m -jar firmware.jar}), swept
 * <ol>
 * <li>without valid credentials (none, a wrong password, malformed {@code Authorization} headers, a forged and an
 * ended session cookie), with each method a path serves and one it does not;</li>
 * <li>with a valid session but a missing, wrong or another session's CSRF token, and with Basic from another site;</li>
 * <li>with script, header injection, NUL, right-to-left override and over-long strings in every text field of
 * every JSON body, in the path's variables and in the query;</li>
 * <li>with bodies over each endpoint's cap (declared, chunked), and with a Content-Length that lies either way;</li>
 * </ol>
 * and every answer of all of them (refusals, Jetty's own 400s and static files included) checked for the security
 * headers the README promises. The sweep's endpoint table must equal the routes the admin REST bundle declares,
 * read from its sources, so an endpoint added without a sweep entry fails here. What {@link RestApiIT} shows with
 * one example each, this shows for all. Needs no test server: runs with {@code -Dkeycloak.skip=true}.
 */
public class AdminSweepIT {
    private static final String PASSWORD = "sweep-" + UUID.randomUUID();
    private static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";
    private static final String UNAUTHORIZED = "{\"error\":\"unauthorized\"}";
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final String JSON = "application/json";
    private static final String ZIP = "application/zip";

    /** One route: its method, its pattern, a path that reaches it, the type of body it reads and its cap. */
    private record Endpoint(String method, String pattern, String sample, String type, long cap) {
        boolean changes() {
            return !method.equals("GET");
        }

        boolean open() {
            return method.equals("POST") && pattern.equals("/api/v1/session");
        }

        String route() {
            return method + " " + pattern;
        }
    }

    /** Every route of the admin REST API; {@link #theSweepCoversEveryDeclaredRoute} keeps it complete. */
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/session", "/api/v1/session", JSON, KIB),
            new Endpoint("GET", "/api/v1/session", "/api/v1/session", null, 0),
            new Endpoint("DELETE", "/api/v1/session", "/api/v1/session", null, 0),
            new Endpoint("PUT", "/api/v1/admin/password", "/api/v1/admin/password", JSON, KIB),
            new Endpoint("GET", "/api/v1/providers", "/api/v1/providers", null, 0),
            new Endpoint("GET", "/api/v1/providers/proposal", "/api/v1/providers/proposal?host=smtp.office365.com",
                    null, 0),
            new Endpoint("PUT", "/api/v1/providers/{id}", "/api/v1/providers/sweepprov", JSON, 64 * KIB),
            new Endpoint("DELETE", "/api/v1/providers/{id}", "/api/v1/providers/sweepprov", null, 0),
            new Endpoint("GET", "/api/v1/tokens", "/api/v1/tokens", null, 0),
            new Endpoint("GET", "/api/v1/tokens/{slot}", "/api/v1/tokens/smtp", null, 0),
            new Endpoint("DELETE", "/api/v1/tokens/{slot}", "/api/v1/tokens/smtp", null, 0),
            new Endpoint("POST", "/api/v1/tokens/{slot}/retrieval", "/api/v1/tokens/smtp/retrieval", null, 0),
            new Endpoint("DELETE", "/api/v1/tokens/{slot}/retrieval", "/api/v1/tokens/smtp/retrieval", null, 0),
            new Endpoint("POST", "/api/v1/tokens/{slot}/retrieval/complete", "/api/v1/tokens/smtp/retrieval/complete",
                    JSON, 64 * KIB),
            new Endpoint("GET", "/api/v1/tokens/{slot}/qr.svg", "/api/v1/tokens/smtp/qr.svg", null, 0),
            new Endpoint("GET", "/api/v1/events", "/api/v1/events", null, 0),
            new Endpoint("GET", "/api/v1/settings/smtp", "/api/v1/settings/smtp", null, 0),
            new Endpoint("PUT", "/api/v1/settings/smtp", "/api/v1/settings/smtp", JSON, 64 * KIB),
            new Endpoint("POST", "/api/v1/settings/smtp/test", "/api/v1/settings/smtp/test", null, 0),
            new Endpoint("GET", "/api/v1/settings/pop", "/api/v1/settings/pop", null, 0),
            new Endpoint("GET", "/api/v1/settings/pop/{id}", "/api/v1/settings/pop/sweep", null, 0),
            new Endpoint("PUT", "/api/v1/settings/pop/{id}", "/api/v1/settings/pop/sweep", JSON, 64 * KIB),
            new Endpoint("DELETE", "/api/v1/settings/pop/{id}", "/api/v1/settings/pop/sweep", null, 0),
            new Endpoint("POST", "/api/v1/settings/pop/{id}/test", "/api/v1/settings/pop/sweep/test", null, 0),
            new Endpoint("GET", "/api/v1/pop/{id}/messages", "/api/v1/pop/sweep/messages", null, 0),
            new Endpoint("POST", "/api/v1/pop/{id}/poll", "/api/v1/pop/sweep/poll", null, 0),
            new Endpoint("POST", "/api/v1/mail", "/api/v1/mail", JSON, 40 * MIB),
            new Endpoint("GET", "/api/v1/features", "/api/v1/features", null, 0),
            new Endpoint("POST", "/api/v1/features", "/api/v1/features", ZIP, 32 * MIB),
            new Endpoint("DELETE", "/api/v1/features/{name}", "/api/v1/features/provider-google", null, 0));

    private static final List<String> HOSTILE = List.of(
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "x\r\nX-Injected: yes\r\n\r\n<script>alert(1)</script>",
            "x\r\nX-Injected: yes",
            "a\u0000<svg onload=alert(1)>",
            "\u202Etxt.exe<svg onload=alert(1)>",
            "<b>" + "A".repeat(20_000) + "</b>");

    private static FirmwareProcess firmware;
    private static SweepHttp http;
    private static Session admin;
    /** Answers in this test only (bodies of a few KiB at most: the big ones are refusals). */
    private static final List<SweepHttp.Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> findings = Collections.synchronizedList(new ArrayList<>());
    /** Requests per check, for the report. */
    private static final Map<String, Integer> counts = Collections.synchronizedMap(new TreeMap<>());
    private static final AtomicInteger addresses = new AtomicInteger();
    private static Map<String, Object> smtpBaseline;
    private static Map<String, Object> popBaseline;
    private static Map<String, Object> providerBaseline;

    private record Session(String cookie, String csrf) {
    }

    @BeforeClass
    public static void start() throws Exception {
        firmware = FirmwareProcess.start("sweep", PASSWORD, Map.of());
        http = new SweepHttp(firmware.base(), AdminSweepIT::observe);
        admin = login();
        // A closed port on loopback: a test mail fails at once (connection_refused), after the body was read whole.
        smtpBaseline = new LinkedHashMap<>(Map.of("server", "127.0.0.1", "port", FirmwareSupport.freePort(),
                "security", "none", "senderName", "Scanner", "senderAddress", "scanner@example.com",
                "authMethod", "none", "provider", "microsoft", "account", "scanner@example.com"));
        popBaseline = new LinkedHashMap<>(Map.of("server", "pop.example.com", "port", 995, "security", "tls",
                "authMethod", "password", "username", "fax", "password", "fax-password-1", "enabled", false));
        providerBaseline = new LinkedHashMap<>(Map.of("type", "oidc", "name", "Sweep",
                "issuer", "https://login.example.com/realms/sweep", "clientId", "mfp",
                "scopes", Map.of("smtp", "email", "pop3", "email"), "hosts", List.of("sweep.example.com")));
        restoreBaseline();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (firmware != null) {
            firmware.close();
        }
        System.out.println("AdminSweepIT requests per check: " + counts);
    }

    @Before
    public void clear() {
        answers.clear();
        findings.clear();
    }

    @Test
    public void theSweepCoversEveryDeclaredRoute() throws Exception {
        Set<String> swept = ENDPOINTS.stream().map(Endpoint::route).collect(Collectors.toCollection(TreeSet::new));
        assertEquals("one sweep entry per route", ENDPOINTS.size(), swept.size());
        assertEquals("the routes the admin REST bundle declares", declaredRoutes(), swept);
    }

    @Test
    public void withoutValidCredentialsEveryEndpointAnswers401AndNothingChanges() throws Exception {
        String before = snapshot();
        Session ended = login();
        assertEquals(204, as(ended, "DELETE", "/api/v1/session").send().status());
        Map<String, Function<SweepHttp.Request, SweepHttp.Request>> variants = new LinkedHashMap<>();
        variants.put("none", r -> r);
        variants.put("malformed Basic", r -> r.header("Authorization", "Basic !!not-base64!!"));
        variants.put("Basic without colon", r -> r.header("Authorization", "Basic " + base64("admin" + PASSWORD)));
        variants.put("Bearer", r -> r.header("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30."));
        variants.put("Digest", r -> r.header("Authorization", "Digest username=\"admin\", response=\"x\""));
        variants.put("empty Authorization", r -> r.header("Authorization", ""));
        variants.put("forged cookie", r -> r.header("Cookie", "mfp_session=" + UUID.randomUUID()));
        variants.put("ended cookie", r -> r.header("Cookie", ended.cookie()).header("X-CSRF-Token", ended.csrf()));
        variants.put("wrong password", r -> r.header("Authorization", "Basic " + base64("admin:" + PASSWORD + "x"))
                .from(nextAddress()));
        variants.put("wrong user", r -> r.header("Authorization", "Basic " + base64("root:" + PASSWORD))
                .from(nextAddress()));

        Set<String> samples = new LinkedHashSet<>();
        for (Endpoint e : ENDPOINTS) {
            Set<String> served = methodsAt(e.sample());
            List<String> methods = new ArrayList<>(List.of(e.method()));
            if (e.method().equals("GET") && !e.pattern().equals("/api/v1/events")) {
                methods.add("HEAD");
            }
            if (samples.add(e.sample())) { // once per path: a method it does not serve
                methods.add(Stream.of("GET", "PUT", "POST", "DELETE", "PATCH").filter(m -> !served.contains(m))
                        .findFirst().orElseThrow());
                methods.add("OPTIONS");
            }
            for (String method : methods) {
                for (Map.Entry<String, Function<SweepHttp.Request, SweepHttp.Request>> v : variants.entrySet()) {
                    boolean slow = v.getKey().startsWith("wrong");
                    if (slow && !method.equals(e.method())) {
                        continue; // each wrong password costs a password hash: once per route is enough
                    }
                    SweepHttp.Request request = v.getValue().apply(http.request(method, e.sample()));
                    if (e.open() && method.equals("POST")) {
                        request.from(nextAddress()).json("{\"user\":\"admin\",\"password\":\"wrong-" + v.getKey() + "\"}");
                    } else if (method.equals("PUT") || method.equals("POST") || method.equals("PATCH")) {
                        request.json("{\"server\":\"evil.example.com\",\"to\":[\"evil@example.com\"]}");
                    }
                    SweepHttp.Answer a = request.send();
                    count("1 no/invalid credentials");
                    check(a.status() == 401, a, "401 for " + v.getKey());
                    if (!method.equals("HEAD")) {
                        check(a.text().equals(UNAUTHORIZED), a, "only {\"error\":\"unauthorized\"}");
                    }
                    boolean fromPage = v.getKey().contains("cookie");
                    check(fromPage == (a.header("WWW-Authenticate") == null), a,
                            "a Basic challenge exactly for requests not from the page");
                }
            }
        }
        // A path no route has tells a stranger nothing either.
        for (String path : List.of("/api/v1/nosuch", "/api/v1/tokens/smtp/nosuch", "/api/v2/tokens")) {
            SweepHttp.Answer a = http.request("GET", path).send();
            count("1 no/invalid credentials");
            check(a.status() == 401 && a.text().equals(UNAUTHORIZED) || path.startsWith("/api/v2") && a.status() == 404,
                    a, "401 (or 404 outside /api/v1) for an unknown path");
        }
        assertEquals("nothing changed", before, snapshot());
        assertNoFindings();
    }

    @Test
    public void aMethodAPathDoesNotServeIs405WithItsAllowedMethods() throws Exception {
        for (String sample : ENDPOINTS.stream().map(Endpoint::sample).collect(Collectors.toCollection(LinkedHashSet::new))) {
            Set<String> served = methodsAt(sample);
            Set<String> allowed = new TreeSet<>(served);
            if (served.contains("GET") && !sample.equals("/api/v1/events")) {
                allowed.add("HEAD");
            }
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
                if (served.contains(method)) {
                    continue;
                }
                SweepHttp.Answer a = as(admin, method, sample).send();
                count("1 wrong method, signed in");
                check(a.status() == 405, a, "405");
                check(String.join(", ", allowed).equals(a.header("Allow")), a, "Allow: " + allowed);
                check(a.text().contains("\"method_not_allowed\""), a, "a JSON error");
            }
        }
        assertNoFindings();
    }

    @Test
    public void withoutTheSessionsCsrfTokenOrFromAnotherSiteNothingChanges() throws Exception {
        Session other = login();
        String before = snapshot();
        Map<String, Function<SweepHttp.Request, SweepHttp.Request>> variants = new LinkedHashMap<>();
        variants.put("no token", r -> r.header("Cookie", admin.cookie()));
        variants.put("empty token", r -> r.header("Cookie", admin.cookie()).header("X-CSRF-Token", ""));
        variants.put("wrong token", r -> r.header("Cookie", admin.cookie()).header("X-CSRF-Token", "x" + admin.csrf()));
        variants.put("cut token", r -> r.header("Cookie", admin.cookie())
                .header("X-CSRF-Token", admin.csrf().substring(0, admin.csrf().length() - 1)));
        variants.put("another session's token", r -> r.header("Cookie", admin.cookie())
                .header("X-CSRF-Token", other.csrf()));
        variants.put("token as a cookie", r -> r.header("Cookie", admin.cookie() + "; X-CSRF-Token=" + admin.csrf()));
        Map<String, String> crossSite = new LinkedHashMap<>();
        crossSite.put("Origin", "http://evil.example.com");
        crossSite.put("Sec-Fetch-Site", "cross-site");
        for (Endpoint e : ENDPOINTS) {
            if (!e.changes() || e.open()) {
                continue;
            }
            for (Map.Entry<String, Function<SweepHttp.Request, SweepHttp.Request>> v : variants.entrySet()) {
                SweepHttp.Request request = v.getValue().apply(http.request(e.method(), e.sample())
                        .header("X-MFP-Client", "web"));
                SweepHttp.Answer a = withChangingBody(e, request).send();
                count("2 wrong CSRF token");
                check(a.status() == 403 && a.text().contains("\"csrf\""), a, "403 csrf for " + v.getKey());
            }
            for (Map.Entry<String, String> site : crossSite.entrySet()) {
                SweepHttp.Answer a = withChangingBody(e, http.request(e.method(), e.sample())
                        .header("Authorization", "Basic " + base64("admin:" + PASSWORD))
                        .header(site.getKey(), site.getValue())).send();
                count("2 Basic from another site");
                check(a.status() == 403 && a.text().contains("\"forbidden\""), a, "403 for " + site.getKey());
            }
        }
        assertEquals("nothing changed", before, snapshot());
        assertEquals("both sessions live on", 200, as(admin, "GET", "/api/v1/session").send().status());
        assertEquals(200, as(other, "GET", "/api/v1/session").send().status());
        assertEquals(204, as(other, "DELETE", "/api/v1/session").send().status());
        assertNoFindings();
    }

    @Test
    public void hostileTextInEveryFieldIsRefusedByNameOrStoredAsJsonData() throws Exception {
        Set<String> secrets = new LinkedHashSet<>();
        int stored = 0;
        int refused = 0;
        for (String payload : HOSTILE) {
            for (Field f : fields()) {
                String value = f.secret() ? payload + "#secret-" + secrets.size() : payload;
                if (f.secret()) {
                    secrets.add(value);
                }
                SweepHttp.Request request = f.method().equals("POST") && f.target().equals("/api/v1/session")
                        ? http.request("POST", f.target()).header("X-MFP-Client", "web").from(nextAddress())
                        : as(admin, f.method(), f.target());
                if (f.name().equals("current")) {
                    request.from(nextAddress()); // a wrong current password counts for the throttle
                }
                SweepHttp.Answer a = request.json(Json.write(f.body().apply(value))).send();
                count("3 hostile text in a body field");
                checkJsonAnswer(a);
                if (a.status() == 400) {
                    refused++;
                    Object field = Json.object(a.text()).get("field");
                    // The answer may name the element ("hosts[0]" for "hosts"), or the list for an element's field.
                    check(f.name().equals(field) || String.valueOf(field).startsWith(f.name() + "[")
                            || f.name().startsWith(field + "["), a, "400 names " + f.name());
                } else if (a.status() / 100 == 2) {
                    stored++;
                    if (f.readBack() != null) {
                        Object back = readBack(f, value);
                        check(f.secret() ? back == null : (value.equals(back) || value.strip().equals(back)), a,
                                f.name() + " comes back as the same data (write-only: not at all), got " + cut(back));
                    }
                    if (f.name().equals("new")) {
                        SweepHttp.Answer back = as(admin, "PUT", "/api/v1/admin/password")
                                .json(Json.write(Map.of("current", value, "new", PASSWORD))).send();
                        assertEquals("the password changed back", 204, back.status());
                    }
                } else {
                    refused++;
                    check(f.otherStatuses().contains(a.status()), a, "a documented answer for " + f.name());
                }
            }
            restoreBaseline();
        }
        int[] paths = sweepPathsAndQueries();
        for (SweepHttp.Answer a : new ArrayList<>(answers)) {
            for (String secret : secrets) {
                check(!a.text().contains(secret), a, "a write-only value never comes back");
            }
        }
        assertTrue("no setting was created by a hostile id: " + popIds(), Set.of("sweep").containsAll(popIds()));
        assertTrue(firmware.log().lines().noneMatch(l -> secrets.stream().anyMatch(l::contains)));
        for (String page : pages()) {
            SweepHttp.Answer a = http.request("GET", page).send();
            check(a.status() == 200 && !a.text().contains("alert(1)"), a, "the page and its files hold no stored data");
        }
        System.out.println("AdminSweepIT hostile text: " + stored + " stored as data, " + refused
                + " refused, paths and queries " + paths[0] + " refused, " + paths[1] + " Jetty's 400/414");
        assertNoFindings();
    }

    @Test
    public void bodiesOverTheirCapAre413AndTheDeviceStaysWell() throws Exception {
        for (Endpoint e : ENDPOINTS) {
            if (e.type() == null) {
                continue;
            }
            String before = snapshot();
            byte[] prefix = (e.type().equals(ZIP) ? "PK\u0003\u0004" : e.open() ? "{\"user\":\"admin\""
                    : "{\"senderName\":\"x\"").getBytes(StandardCharsets.ISO_8859_1);
            long over = e.cap() + 1;
            SweepHttp.Answer declared = signedIn(e).header("Content-Type", e.type())
                    .header("Content-Length", Long.toString(over)).stream(out -> pad(out, prefix, over)).send();
            count("4 oversized (declared, chunked, lying length)");
            check(declared.status() == 413 && declared.text().contains("too_large"), declared, "413 over the declared cap");
            healthy();

            SweepHttp.Answer chunked = signedIn(e).header("Content-Type", e.type())
                    .header("Transfer-Encoding", "chunked").stream(out -> {
                        try (OutputStream body = SweepHttp.chunked(out)) {
                            pad(body, prefix, e.cap() + 16 * KIB);
                        }
                    }).send();
            count("4 oversized (declared, chunked, lying length)");
            check(chunked.status() == 413 && chunked.text().contains("too_large"), chunked, "413 for a chunked body");
            healthy();

            byte[] change = (e.open() ? "{\"user\":\"admin\",\"password\":\"" + PASSWORD + "\"}"
                    : "{\"server\":\"evil.example.com\",\"senderName\":\"evil\"}").getBytes(StandardCharsets.UTF_8);
            SweepHttp.Answer shorter = signedIn(e).header("Content-Type", e.type()).header("Content-Length", "12")
                    .stream(out -> out.write(change)).send();
            count("4 oversized (declared, chunked, lying length)");
            check(shorter.status() == 400 || shorter.status() == 415, shorter,
                    "a body cut at its declared length is refused (400)");
            checkJsonAnswer(shorter);
            healthy();

            SweepHttp.Answer longer = signedIn(e).header("Content-Type", e.type()).body(change)
                    .header("Content-Length", Long.toString(Math.min(e.cap(), 4 * KIB))).endEarly().send();
            count("4 oversized (declared, chunked, lying length)");
            check(longer.status() == 400, longer, "a body that ends before its declared length is refused (400)");
            checkJsonAnswer(longer);
            healthy();
            assertEquals(e.route() + " changed nothing", before, snapshot());
        }
        // Under its cap, a mail's 24 MiB attachment is streamed to the flash, not the 32 MiB heap: it reaches the
        // (closed) SMTP port and fails there with the mapped failure.
        byte[] head = ("{\"to\":[\"fax@example.com\"],\"subject\":\"big\",\"attachments\":[{\"name\":\"scan.pdf\","
                + "\"contentType\":\"application/pdf\",\"base64\":\"").getBytes(StandardCharsets.US_ASCII);
        SweepHttp.Answer big = as(admin, "POST", "/api/v1/mail").header("Content-Type", JSON)
                .header("Transfer-Encoding", "chunked").stream(out -> {
                    try (OutputStream body = SweepHttp.chunked(out)) {
                        body.write(head);
                        OutputStream base64 = Base64.getEncoder().wrap(new OutputStream() {
                            @Override
                            public void write(int b) throws IOException {
                                body.write(b);
                            }

                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                body.write(b, off, len);
                            }
                        });
                        byte[] block = new byte[48 * 1024];
                        for (long sent = 0; sent < 24 * MIB; sent += block.length) {
                            base64.write(block);
                        }
                        base64.close();
                        body.write("\"}]}".getBytes(StandardCharsets.US_ASCII));
                    }
                }).send();
        count("4 oversized (declared, chunked, lying length)");
        check(big.status() == 502 && big.text().contains("connection_refused"), big,
                "a 24 MiB attachment is read whole and fails only at the closed SMTP port");
        // A string held in memory (a subject) is cut long before the heap fills.
        SweepHttp.Answer longSubject = as(admin, "POST", "/api/v1/mail").header("Content-Type", JSON)
                .header("Transfer-Encoding", "chunked").stream(out -> {
                    try (OutputStream body = SweepHttp.chunked(out)) {
                        pad(body, "{\"to\":[\"fax@example.com\"],\"subject\":\"".getBytes(StandardCharsets.US_ASCII),
                                30 * MIB, (byte) 'S');
                    }
                }).send();
        count("4 oversized (declared, chunked, lying length)");
        check(longSubject.status() == 400 || longSubject.status() == 413, longSubject, "a 30 MiB subject is refused");
        healthy();
        assertFalse("no OutOfMemoryError", firmware.log().contains("OutOfMemoryError"));
        restoreBaseline();
        assertNoFindings();
    }

    @Test
    public void everyPageAndStaticFileIsPublicReadOnlyAndCarriesTheHeaders() throws Exception {
        for (String page : pages()) {
            SweepHttp.Answer a = http.request("GET", page).send();
            count("5 page and static files");
            check(a.status() == 200, a, "public");
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "TRACE")) {
                SweepHttp.Answer refused = http.request(method, page).header("Cookie", admin.cookie())
                        .header("Authorization", "Basic " + base64("admin:" + PASSWORD + "-echo")).json("{}").send();
                count("5 page and static files");
                check(refused.status() == 405, refused, "405: the page is only read");
                check(!refused.text().contains(admin.cookie()) && !refused.text().contains("-echo"), refused,
                        "nothing of the request echoed");
                // The static files' refusals are the whiteboard resource servlet's error page (it names the
                // method, nothing else of the request); the page's are plain text of its own.
                check(page.startsWith("/static/") || !refused.text().contains("<"), refused, "no HTML refusal");
            }
        }
        for (String path : List.of("/nosuch", "/static/nosuch.js", "/index.htm")) {
            SweepHttp.Answer a = http.request("GET", path).send();
            count("5 page and static files");
            check(a.status() == 404, a, "404");
        }
        // Jetty refuses these before any servlet filter runs; its error handler adds the headers (runtime.bnd).
        for (String path : List.of("/api/v1//tokens", "/api/v1/tokens/%2e%2e/%2e%2e/x", "/api/v1/tokens/a%2Fb",
                "/static/..%2F..%2Fx", "/api/v1/tokens/%00", "//", "/static/%2e%2e/x")) {
            SweepHttp.Answer a = http.request("GET", path).header("Authorization", "Basic " + base64("admin:" + PASSWORD))
                    .send();
            count("5 Jetty's own 400");
            check(a.status() == 400 || a.status() == 404, a, "refused");
        }
        assertNoFindings();
    }

    @Test
    public void cookiesAreHttpOnlyStrictTheEventStreamAndWrongPasswordsGet429WithTheHeaders() throws Exception {
        SweepHttp.Answer signIn = http.request("POST", "/api/v1/session").header("X-MFP-Client", "web")
                .json(Json.write(Map.of("user", "admin", "password", PASSWORD))).send();
        String cookie = signIn.header("Set-Cookie");
        assertNotNull(signIn.toString(), cookie);
        Session session = new Session(cookie.substring(0, cookie.indexOf(';')),
                (String) Json.object(signIn.text()).get("csrfToken"));
        SweepHttp.Answer signOut = as(session, "DELETE", "/api/v1/session").send();
        assertEquals(204, signOut.status());
        for (SweepHttp.Answer a : List.of(signIn, signOut)) {
            String set = a.header("Set-Cookie");
            for (String attribute : List.of("HttpOnly", "SameSite=Strict", "Path=/")) {
                check(set != null && set.contains(attribute), a, "the cookie is " + attribute);
            }
            check(set != null && !set.contains("Secure"), a, "Secure only over HTTPS");
        }
        SweepHttp.Answer events = as(admin, "GET", "/api/v1/events").headOnly().send();
        check(events.status() == 200 && String.valueOf(events.header("Content-Type")).startsWith("text/event-stream"),
                events, "the signed-in event stream opens (its headers checked like every answer's)");
        String address = nextAddress();
        SweepHttp.Answer last = null;
        for (int i = 0; i < 8 && (last == null || last.status() != 429); i++) {
            last = http.request("GET", "/api/v1/tokens").from(address)
                    .header("Authorization", "Basic " + base64("admin:guess-" + i)).send();
            count("5 throttled (429)");
        }
        assertEquals(String.valueOf(last), 429, last.status());
        check(last.header("Retry-After") != null && last.text().contains("too_many_attempts"), last, "429 with Retry-After");
        SweepHttp.Answer signInThrottled = http.request("POST", "/api/v1/session").from(address)
                .json(Json.write(Map.of("user", "admin", "password", PASSWORD))).send();
        check(signInThrottled.status() == 429, signInThrottled, "the sign-in waits too");
        assertNoFindings();
    }

    /**
     * Stored hostile values on the page, in the real headless Chromium (only where the build installed it, as for
     * {@link WebPageIT}): they show as text, in the fields and the lists, and no element, attribute or script of
     * theirs appears; the page's Content-Security-Policy reports no violation (an injected inline handler would be
     * blocked and reported, so a blocked injection fails here too).
     */
    @Test
    public void theWebPageShowsStoredHostileValuesAsText() throws Exception {
        Assume.assumeFalse("browser skipped", Browser.skipped());
        String senderName = "\"><img src=x onerror=alert(1)>";
        String username = "<script>alert(2)</script>";
        String providerName = "<svg onload=alert(3)>\u202E";
        // authMethod password, so that the page shows the user name field.
        Map<String, Object> smtp = with(with(with(with(smtpBaseline, "senderName", senderName), "username", username),
                "authMethod", "password"), "password", "smtp-password-1");
        SweepHttp.Answer stored = as(admin, "PUT", "/api/v1/settings/smtp").json(Json.write(smtp)).send();
        assertEquals(stored.toString(), 200, stored.status());
        stored = as(admin, "PUT", "/api/v1/providers/sweepprov")
                .json(Json.write(with(providerBaseline, "name", providerName))).send();
        assertEquals(stored.toString(), 200, stored.status());
        awaitStable();
        try (Browser browser = new Browser("AdminSweepIT", "en")) {
            browser.open(firmware.base() + "/");
            browser.type(By.id("login-password"), PASSWORD);
            browser.click(By.id("login-submit"));
            browser.visible(By.id("app"));
            // The page never reloads after the login (hash routes), so the listener sees every view below.
            browser.driver().executeScript("window.sweepViolations = [];"
                    + "document.addEventListener('securitypolicyviolation', e => window.sweepViolations.push("
                    + "e.violatedDirective + ' ' + e.blockedURI));");
            browser.click(By.id("nav-smtp"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> senderName.equals(
                    d.findElement(By.id("smtp-senderName")).getAttribute("value")));
            assertEquals(username, browser.visible(By.id("smtp-username")).getAttribute("value"));
            assertNothingInjected(browser, "SMTP settings");
            browser.click(By.id("nav-providers"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> d.findElement(
                    By.cssSelector("#providers-list li[data-provider-id='sweepprov']")).getText().contains("<svg onload"));
            assertNothingInjected(browser, "providers");
            browser.click(By.id("provider-edit-sweepprov"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> providerName.equals(
                    d.findElement(By.id("provider-name")).getAttribute("value")));
            assertNothingInjected(browser, "provider");
            browser.screenshot("hostile-values-as-text");
            count("3 pages showing stored hostile values (Chromium)");
        }
        restoreBaseline();
    }

    private static void assertNothingInjected(Browser browser, String view) {
        Object injected = browser.driver().executeScript("return Array.from(document.querySelectorAll('*'))"
                + ".filter(e => e.tagName === 'IMG' && e.getAttribute('src') === 'x' || e.tagName.toLowerCase() === 'svg'"
                + " || (e.tagName === 'SCRIPT' && !e.src) || Array.from(e.attributes).some(a => /^on/i.test(a.name)))"
                + ".map(e => e.outerHTML.slice(0, 120));");
        assertEquals(view + ": no injected element", List.of(), injected);
        assertEquals(view + ": no CSP violation", List.of(), browser.driver().executeScript("return window.sweepViolations;"));
        try {
            browser.driver().switchTo().alert();
            throw new AssertionError(view + ": an alert opened");
        } catch (NoAlertPresentException expected) {
            // no script of the stored values ran
        }
    }

    // ---- the fields --------------------------------------------------------------------------------------------

    /**
     * A text field of a JSON body: where it goes, the body around a value, where it can be read back (null: it is
     * never read back), and the answers other than 2xx and 400 the contract documents for that endpoint.
     */
    private record Field(String method, String target, String name, Function<String, Object> body, String readBack,
            Function<Object, Object> read, boolean secret, Set<Integer> otherStatuses) {
    }

    private static List<Field> fields() {
        List<Field> fields = new ArrayList<>();
        for (String name : List.of("server", "senderName", "senderAddress", "security", "authMethod", "username",
                "password", "provider", "account", "oauthMechanism")) {
            fields.add(new Field("PUT", "/api/v1/settings/smtp", name, v -> with(smtpBaseline, name, v),
                    "/api/v1/settings/smtp", json -> ((Map<?, ?>) json).get(name), name.equals("password"), Set.of()));
        }
        for (String name : List.of("id", "server", "security", "authMethod", "username", "password", "provider",
                "account", "oauthMechanism")) {
            fields.add(new Field("PUT", "/api/v1/settings/pop/sweep", name, v -> with(popBaseline, name, v),
                    "/api/v1/settings/pop/sweep", json -> ((Map<?, ?>) json).get(name), name.equals("password"),
                    Set.of()));
        }
        for (String name : List.of("type", "name", "issuer", "clientId", "clientSecret")) {
            fields.add(new Field("PUT", "/api/v1/providers/sweepprov", name, v -> with(providerBaseline, name, v),
                    "/api/v1/providers", json -> provider(json, "sweepprov").get(name), name.equals("clientSecret"),
                    Set.of(409)));
        }
        for (String scope : List.of("smtp", "pop3")) {
            fields.add(new Field("PUT", "/api/v1/providers/sweepprov", "scopes", v -> with(providerBaseline, "scopes",
                    with(Map.of("smtp", "email", "pop3", "email"), scope, v)), "/api/v1/providers",
                    json -> ((Map<?, ?>) provider(json, "sweepprov").get("scopes")).get(scope), false, Set.of()));
        }
        fields.add(new Field("PUT", "/api/v1/providers/sweepprov", "hosts", v -> with(providerBaseline, "hosts",
                List.of(v)), "/api/v1/providers", json -> first(provider(json, "sweepprov").get("hosts")), false,
                Set.of()));
        for (String name : List.of("tenant", "clientId", "authority")) {
            fields.add(new Field("PUT", "/api/v1/providers/microsoft", name, v -> Map.of(name, v), "/api/v1/providers",
                    json -> provider(json, "microsoft").get(name), false, Set.of()));
        }
        fields.add(new Field("PUT", "/api/v1/providers/microsoft", "hosts", v -> Map.of("hosts", List.of(v)),
                "/api/v1/providers", json -> first(provider(json, "microsoft").get("hosts")), false, Set.of()));
        for (String name : List.of("clientId", "clientSecret")) {
            fields.add(new Field("PUT", "/api/v1/providers/google", name, v -> Map.of(name, v), "/api/v1/providers",
                    json -> provider(json, "google").get(name), name.equals("clientSecret"), Set.of()));
        }
        fields.add(new Field("POST", "/api/v1/tokens/smtp/retrieval/complete", "redirectUrl",
                v -> Map.of("redirectUrl", v), null, null, false, Set.of(409)));
        Map<String, Object> mail = new LinkedHashMap<>(Map.of("to", List.of("fax@example.com"), "subject", "Scan",
                "text", "Attached", "attachments", List.of(Map.of("name", "scan.pdf", "contentType", "application/pdf",
                        "base64", "JVBERi0xLjQK"))));
        fields.add(new Field("POST", "/api/v1/mail", "to", v -> with(mail, "to", List.of(v)), null, null, false,
                Set.of(502)));
        fields.add(new Field("POST", "/api/v1/mail", "cc", v -> with(mail, "cc", List.of(v)), null, null, false,
                Set.of(502)));
        for (String name : List.of("subject", "text")) {
            fields.add(new Field("POST", "/api/v1/mail", name, v -> with(mail, name, v), null, null, false, Set.of(502)));
        }
        for (String name : List.of("name", "contentType")) {
            fields.add(new Field("POST", "/api/v1/mail", "attachments[0]." + name, v -> with(mail, "attachments",
                    List.of(with(Map.of("name", "scan.pdf", "contentType", "application/pdf", "base64", "JVBERi0xLjQK"),
                            name, v))), null, null, false, Set.of(502)));
        }
        // Their bodies are capped at 1 KiB: the over-long value is 413.
        fields.add(new Field("POST", "/api/v1/session", "user", v -> Map.of("user", v, "password", PASSWORD), null, null,
                false, Set.of(401, 413)));
        fields.add(new Field("POST", "/api/v1/session", "password", v -> Map.of("user", "admin", "password", v), null,
                null, false, Set.of(401, 413)));
        fields.add(new Field("PUT", "/api/v1/admin/password", "current", v -> Map.of("current", v, "new", PASSWORD),
                null, null, false, Set.of(413)));
        fields.add(new Field("PUT", "/api/v1/admin/password", "new", v -> Map.of("current", PASSWORD, "new", v), null,
                null, false, Set.of(413)));
        return fields;
    }

    /**
     * The hostile strings as path variables and query values: each answer is JSON (404, or 400 naming the id), or
     * Jetty's own refusal of a path it finds ambiguous (an encoded {@code /} or NUL) or too long. Returns the counts.
     */
    private static int[] sweepPathsAndQueries() throws Exception {
        int refused = 0;
        int jetty = 0;
        for (String payload : HOSTILE) {
            String segment = URLEncoder.encode(payload, StandardCharsets.UTF_8).replace("+", "%20");
            // Jetty refuses an encoded '/' (ambiguous), control characters and over-long lines itself.
            boolean jettyMay = payload.contains("/") || payload.chars().anyMatch(c -> c < 0x20) || payload.length() > 4000;
            List<String[]> targets = List.of(new String[] {"GET", "/api/v1/tokens/" + segment},
                    new String[] {"DELETE", "/api/v1/tokens/" + segment},
                    new String[] {"GET", "/api/v1/tokens/" + segment + "/qr.svg"},
                    new String[] {"POST", "/api/v1/tokens/" + segment + "/retrieval"},
                    new String[] {"GET", "/api/v1/settings/pop/" + segment},
                    new String[] {"PUT", "/api/v1/settings/pop/" + segment},
                    new String[] {"DELETE", "/api/v1/settings/pop/" + segment},
                    new String[] {"POST", "/api/v1/settings/pop/" + segment + "/test"},
                    new String[] {"GET", "/api/v1/pop/" + segment + "/messages"},
                    new String[] {"POST", "/api/v1/pop/" + segment + "/poll"},
                    new String[] {"PUT", "/api/v1/providers/" + segment},
                    new String[] {"DELETE", "/api/v1/providers/" + segment},
                    new String[] {"DELETE", "/api/v1/features/" + segment},
                    new String[] {"GET", "/api/v1/providers/proposal?host=" + segment},
                    new String[] {"GET", "/api/v1/tokens?slot=" + segment + "&" + segment + "=1"});
            for (String[] t : targets) {
                SweepHttp.Request request = as(admin, t[0], t[1]);
                if (t[0].equals("PUT")) {
                    request.json(Json.write(t[1].contains("providers") ? providerBaseline : Map.of("server",
                            "pop.example.com")));
                }
                SweepHttp.Answer a = request.send();
                count("3 hostile text in a path or query");
                if (!a.text().startsWith("{") && !a.text().startsWith("[") && jettyMay
                        && (a.status() == 400 || a.status() == 414 || a.status() == 431)) {
                    jetty++;
                    continue;
                }
                checkJsonAnswer(a);
                if (t[1].contains("/proposal?") || t[1].contains("/tokens?")) {
                    check(a.status() == 200 || a.status() == 400, a, "200 or 400 for a hostile query");
                } else {
                    refused++;
                    check(a.status() == 404 || a.status() == 400 && a.text().startsWith("{")
                            && "id".equals(Json.object(a.text()).get("field")), a, "404, or 400 naming the id");
                }
            }
        }
        return new int[] {refused, jetty};
    }

    /**
     * The stored field as the API reads it back. A provider's list shows the running provider's name, which takes
     * the new configuration a moment after it was stored: read again (for a few seconds) until it does.
     */
    private static Object readBack(Field f, String value) throws Exception {
        Object back = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            back = f.read().apply(Json.parse(as(admin, "GET", f.readBack()).send().text()));
            if (f.secret() || value.equals(back) || value.strip().equals(back)) {
                return back;
            }
            Thread.sleep(250);
        }
        return back;
    }

    // ---- what every answer must carry ------------------------------------------------------------------------

    /** Runs for every answer of the sweep: the README's security headers, and nothing injected into them. */
    private static void observe(SweepHttp.Answer a) {
        answers.add(a);
        count("5 answers checked for headers");
        check(CSP.equals(a.header("Content-Security-Policy")), a, "Content-Security-Policy");
        check("nosniff".equals(a.header("X-Content-Type-Options")), a, "X-Content-Type-Options");
        check("DENY".equals(a.header("X-Frame-Options")), a, "X-Frame-Options");
        check("no-referrer".equals(a.header("Referrer-Policy")), a, "Referrer-Policy");
        String path = a.request().substring(a.request().indexOf(' ') + 1);
        if (path.startsWith("/api/")) {
            check(String.valueOf(a.header("Cache-Control")).contains("no-store"), a, "Cache-Control: no-store");
        }
        String server = a.header("Server");
        check(server == null || !server.matches(".*\\d.*"), a, "no server version");
        check(a.header("X-Powered-By") == null && a.header("Location") == null, a, "no X-Powered-By, no Location");
        for (Map.Entry<String, List<String>> h : a.headers().entrySet()) {
            check(!h.getKey().startsWith("x-injected"), a, "no injected header");
            for (String value : h.getValue()) {
                String lower = value.toLowerCase(Locale.ROOT);
                check(!lower.contains("alert") && !lower.contains("<") && !lower.contains("injected")
                        && !lower.contains("\u202e"), a, "no request text in a header");
            }
        }
        for (String set : a.all("Set-Cookie")) {
            check(set.contains("HttpOnly") && set.contains("SameSite=Strict"), a, "cookie HttpOnly, SameSite=Strict");
        }
    }

    /** A JSON answer: its type, and a body that parses (so a hostile value in it is data, not markup). */
    private static void checkJsonAnswer(SweepHttp.Answer a) {
        if (a.body().length == 0) {
            check(a.status() == 204, a, "a body unless 204");
            return;
        }
        check(String.valueOf(a.header("Content-Type")).toLowerCase(Locale.ROOT).startsWith("application/json"), a,
                "Content-Type: application/json");
        try {
            Json.parse(a.text());
        } catch (IllegalArgumentException e) {
            check(false, a, "the body parses as JSON: " + e.getMessage());
        }
    }

    private static void check(boolean ok, SweepHttp.Answer a, String what) {
        if (!ok) {
            findings.add(what + ": " + a);
        }
    }

    private static void assertNoFindings() {
        synchronized (findings) {
            assertTrue(findings.size() + " findings:\n" + findings.stream().limit(40).collect(Collectors.joining("\n")),
                    findings.isEmpty());
        }
    }

    private static void count(String check) {
        counts.merge(check, 1, Integer::sum);
    }

    // ---- the route table from the bundle's sources -------------------------------------------------------------

    private static Path projectRoot() {
        return Paths.get(System.getProperty(FirmwareSupport.EXPORT_PROPERTY)).toAbsolutePath().normalize()
                .getParent().getParent();
    }

    /**
     * {@code METHOD /api/v1/...} of every {@code router.add("METHOD", "/pattern", ...)} in the admin REST bundle,
     * and GET of each servlet it registers on a path of its own (the event stream).
     */
    private static Set<String> declaredRoutes() throws IOException {
        Pattern route = Pattern.compile("\\.add(?:Open)?\\(\\s*\"([A-Z]+)\"\\s*,\\s*\"(/[^\"]*)\"");
        Pattern servlet = Pattern.compile("@HttpWhiteboardServletPattern\\(\"(/api/v1/[^\"*]+)\"\\)");
        Set<String> routes = new TreeSet<>();
        Path sources = projectRoot().resolve("bundles/admin.rest/src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = route.matcher(source);
                while (m.find()) {
                    routes.add(m.group(1) + " /api/v1" + m.group(2));
                }
                Matcher s = servlet.matcher(source);
                while (s.find()) {
                    routes.add("GET " + s.group(1));
                }
            }
        }
        assertTrue("found the routes in " + sources, routes.size() > 20);
        return routes;
    }

    /** The page's addresses and each of its static files, as the web page bundle ships them. */
    private static List<String> pages() throws IOException {
        List<String> pages = new ArrayList<>(List.of("/", "/index.html"));
        try (Stream<Path> files = Files.list(projectRoot().resolve("bundles/admin.webpage/src/main/resources/webpage/static"))) {
            files.map(f -> "/static/" + f.getFileName()).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The methods of every route whose pattern matches {@code target} ({@code /providers/proposal} is also an id). */
    private static Set<String> methodsAt(String target) {
        String[] path = target.split("\\?", 2)[0].split("/");
        Set<String> methods = new TreeSet<>();
        for (Endpoint e : ENDPOINTS) {
            String[] pattern = e.pattern().split("/");
            boolean matches = pattern.length == path.length;
            for (int i = 0; matches && i < pattern.length; i++) {
                matches = pattern[i].startsWith("{") || pattern[i].equals(path[i]);
            }
            if (matches) {
                methods.add(e.method());
            }
        }
        return methods;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Session login() throws Exception {
        SweepHttp.Answer a = http.request("POST", "/api/v1/session").header("X-MFP-Client", "web")
                .json(Json.write(Map.of("user", "admin", "password", PASSWORD))).send();
        assertEquals(a.toString(), 200, a.status());
        String cookie = a.header("Set-Cookie");
        return new Session(cookie.substring(0, cookie.indexOf(';')), (String) Json.object(a.text()).get("csrfToken"));
    }

    /** A request of the signed-in page: cheap (no password hash), with the CSRF token where it is needed. */
    private static SweepHttp.Request as(Session session, String method, String target) {
        SweepHttp.Request r = http.request(method, target).header("X-MFP-Client", "web").header("Cookie", session.cookie());
        return method.equals("GET") || method.equals("HEAD") ? r : r.header("X-CSRF-Token", session.csrf());
    }

    /** The request of {@code e} as the administrator (the sign-in without credentials). */
    private static SweepHttp.Request signedIn(Endpoint e) {
        return e.open() ? http.request(e.method(), e.sample()).header("X-MFP-Client", "web")
                : as(admin, e.method(), e.sample());
    }

    private static SweepHttp.Request withChangingBody(Endpoint e, SweepHttp.Request request) {
        if (e.type() == null) {
            return request;
        }
        if (e.type().equals(ZIP)) {
            return request.header("Content-Type", ZIP).body("PK\u0005\u0006".getBytes(StandardCharsets.ISO_8859_1));
        }
        return request.json("{\"server\":\"evil.example.com\",\"to\":[\"evil@example.com\"],\"current\":\"" + PASSWORD
                + "\",\"new\":\"evil-password\",\"type\":\"oidc\",\"clientId\":\"evil\"}");
    }

    /** {@code prefix} then spaces (JSON's whitespace: nothing to hold) up to {@code total} bytes. */
    private static void pad(OutputStream out, byte[] prefix, long total) throws IOException {
        pad(out, prefix, total, (byte) ' ');
    }

    private static void pad(OutputStream out, byte[] prefix, long total, byte filler) throws IOException {
        out.write(prefix);
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, filler);
        for (long left = total - prefix.length; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }

    private static void healthy() throws Exception {
        SweepHttp.Answer a = as(admin, "GET", "/api/v1/tokens").send();
        assertEquals("the device answers the next request: " + a, 200, a.status());
    }

    /** The stored state every sweep must leave as it was. */
    private static String snapshot() throws Exception {
        StringBuilder state = new StringBuilder();
        for (String path : List.of("/api/v1/settings/smtp", "/api/v1/settings/pop", "/api/v1/settings/pop/sweep",
                "/api/v1/providers", "/api/v1/tokens", "/api/v1/features", "/api/v1/session")) {
            SweepHttp.Answer a = as(admin, "GET", path).send();
            state.append(path).append(' ').append(a.status()).append(' ').append(a.text()).append('\n');
        }
        return state.toString();
    }

    private static void restoreBaseline() throws Exception {
        for (Map.Entry<String, Map<String, Object>> put : List.of(Map.entry("/api/v1/settings/smtp", smtpBaseline),
                Map.entry("/api/v1/settings/pop/sweep", popBaseline), Map.entry("/api/v1/providers/sweepprov",
                        providerBaseline))) {
            SweepHttp.Answer a = as(admin, "PUT", put.getKey()).json(Json.write(put.getValue())).send();
            assertEquals(a.toString(), 200, a.status());
        }
        awaitStable();
    }

    /** A provider configured a moment ago starts a moment later: wait until the lists stop changing. */
    private static void awaitStable() throws Exception {
        String last = snapshot();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(250);
            String now = snapshot();
            if (now.equals(last)) {
                return;
            }
            last = now;
        }
    }

    private static Set<Object> popIds() throws Exception {
        return Json.array(as(admin, "GET", "/api/v1/settings/pop").send().text()).stream()
                .map(s -> ((Map<?, ?>) s).get("id")).collect(Collectors.toSet());
    }

    private static Map<?, ?> provider(Object list, String id) {
        return ((List<?>) list).stream().map(p -> (Map<?, ?>) p).filter(p -> id.equals(p.get("id"))).findFirst()
                .orElse(Map.of());
    }

    private static Object first(Object list) {
        return list instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
    }

    private static Map<String, Object> with(Map<String, Object> base, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(name, value);
        return copy;
    }

    /** A loopback address of its own: the password throttle counts per address. */
    private static String nextAddress() {
        int n = addresses.incrementAndGet();
        return "127.3." + (n / 250) + "." + (n % 250 + 1);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String cut(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
