package io.mfpoauth.admin.webpage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the page's files as the bundle ships them: what the Content-Security-Policy of the admin REST bundle
 * would block (inline script or style, eval), markup built from data (innerHTML), texts missing in a language,
 * and the element ids the browser tests rely on (listed in the bundle's README).
 */
class StaticFilesTest {

    private static Path root;
    private static String html;
    private static Map<String, String> scripts;   // file name -> source, strings.js included
    private static Set<String> italian;
    private static Set<String> english;

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        root = Path.of(IndexServlet.class.getResource(IndexServlet.INDEX).toURI()).getParent();
        html = Files.readString(root.resolve("index.html"), StandardCharsets.UTF_8);
        scripts = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(root.resolve("static"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).sorted().toList()) {
                scripts.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        String strings = scripts.get("strings.js");
        italian = keysOf(table(strings, "IT"));
        english = keysOf(table(strings, "EN"));
    }

    /** The text of `export const NAME = { ... };`. */
    private static String table(String source, String name) {
        Matcher m = Pattern.compile("export const " + name + " = \\{(.*?)\\n\\};", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).as("table %s in strings.js", name).isTrue();
        return m.group(1);
    }

    private static Set<String> keysOf(String table) {
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*'([^']+)'\\s*:").matcher(table);
        while (m.find()) {
            assertThat(keys.add(m.group(1))).as("key %s defined once", m.group(1)).isTrue();
        }
        return keys;
    }

    private static List<String> all(Pattern pattern, String text) {
        return pattern.matcher(text).results().map(r -> r.group(1)).toList();
    }

    @Test
    void indexServletFindsThePage() {
        assertThat(new String(IndexServlet.readIndex(), StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>");
    }

    @Test
    void onlyThePageAddressesAreThePage() {
        assertThat(IndexServlet.isPage("/", null)).isTrue();
        assertThat(IndexServlet.isPage("", null)).isTrue();
        assertThat(IndexServlet.isPage("/index.html", null)).isTrue();
        assertThat(IndexServlet.isPage("/api/v2/tokens", null)).isFalse();
        assertThat(IndexServlet.isPage("/favicon.ico", null)).isFalse();
    }

    @Test
    void htmlHasNoInlineScriptOrStyle() {
        // Every <script> has a src and nothing between its tags.
        Matcher script = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE).matcher(html);
        int count = 0;
        while (script.find()) {
            count++;
            assertThat(script.group(1)).contains("src=");
            assertThat(script.group(2)).isBlank();
        }
        assertThat(count).isPositive();
        assertThat(html).doesNotContainPattern("(?i)<style\\b");
        assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=");
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
        assertThat(html).doesNotContainPattern("(?i)javascript:");
        // Nothing from elsewhere: no absolute or protocol-relative src/href.
        assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//");
    }

    @Test
    void htmlReferencesExistingFiles() {
        for (String file : all(Pattern.compile("(?:src|href)=\"(static/[^\"]+)\""), html)) {
            assertThat(root.resolve(file)).as(file).exists();
        }
        // Module imports are relative and point at files that are there.
        scripts.forEach((name, source) -> {
            for (String imported : all(Pattern.compile("from '([^']+)'"), source)) {
                assertThat(imported).as("import in %s", name).startsWith("./");
                assertThat(root.resolve("static").resolve(imported.substring(2))).as("import in %s", name).exists();
            }
        });
    }

    @Test
    void scriptsBuildNoMarkupFromTextAndEvaluateNothing() {
        scripts.forEach((name, source) -> {
            String code = withoutComments(source);
            assertThat(code).as(name).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                "eval(", "new Function", "window.confirm", "alert(");
            assertThat(code).as(name).doesNotContainPattern("set(Timeout|Interval)\\(\\s*['\"`]");
            // Styles belong in style.css: the CSP has no 'unsafe-inline' for style attributes either.
            assertThat(code).as(name).doesNotContainPattern("\\.style\\.|setAttribute\\(\\s*'style'");
        });
    }

    private static String withoutComments(String source) {
        return source.replaceAll("(?m)^\\s*//.*$", "").replaceAll("(?s)/\\*.*?\\*/", "");
    }

    @Test
    void bothLanguagesHaveTheSameKeys() {
        assertThat(italian).isNotEmpty();
        assertThat(english).containsExactlyElementsOf(italian);
    }

    @Test
    void everyKeyUsedExistsInBothLanguages() {
        Set<String> used = new TreeSet<>();
        // In the scripts, every single-quoted literal of the form word.word is an i18n key (by convention).
        Pattern literal = Pattern.compile("'([a-z][a-zA-Z0-9]*\\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])'");
        scripts.forEach((name, source) -> {
            if (!name.equals("strings.js")) used.addAll(all(literal, withoutComments(source)));
        });
        used.addAll(all(Pattern.compile("data-i18n(?:-[a-z]+)?=\"([^\"]+)\""), html));
        // Keys built from values the API sends.
        for (String state : List.of("NOT_RETRIEVED", "AWAITING_AUTHORIZATION", "RETRIEVED", "INVALID")) used.add("state." + state);
        for (String state : List.of("open", "connecting", "closed")) used.add("events." + state);
        for (String method : List.of("none", "password", "oauth2")) used.add("auth." + method);
        for (String code : List.of("smtp_auth_disabled", "token_rejected", "bad_credentials", "pop_disabled", "auth_required",
                "no_token", "token_unavailable", "no_mechanism", "starttls_unavailable", "tls_failed", "unknown_host",
                "connection_refused", "timeout", "network", "server_busy", "sender_refused", "recipient_refused",
                "message_refused", "not_configured")) {
            used.add("failure." + code);
            used.add("advice." + code);
        }
        assertThat(used).hasSizeGreaterThan(100);
        assertThat(italian).containsAll(used);
        assertThat(english).containsAll(used);
    }

    @Test
    void theManualsWordsAreUsed() {
        String strings = scripts.get("strings.js");
        assertThat(strings).contains("\"Non recuperato\"", "\"In attesa di autorizzazione\"", "\"Recuperato\"", "\"Non valido\"",
            "\"Not retrieved\"", "\"Awaiting authorization\"", "\"Retrieved\"", "\"Invalid\"",
            "\"Recupera Token\"", "\"Cancellare\"", "\"Get Token\"", "\"Delete\"",
            "Impostazioni di Rete → Setup Servizi → SMTP", "Impostazioni Internet Fax → Imp. server");
    }

    @Test
    void theElementsTheBrowserTestsUseExist() {
        // Fixed in index.html.
        for (String id : List.of("login-form", "login-user", "login-password", "login-submit", "login-error",
                "nav-smtp", "nav-pop", "nav-ifax", "nav-providers", "nav-firmware", "nav-password", "logout",
                "lang-it", "lang-en", "events-status", "breadcrumb", "view",
                "confirm-dialog", "confirm-title", "confirm-message", "confirm-ok", "confirm-cancel")) {
            assertThat(html).as(id).contains("id=\"" + id + "\"");
        }
        String js = String.join("\n", scripts.values());
        // Built by the scripts under these literal ids.
        for (String id : List.of("mail-send", "mail-result", "mail-message-id", "pop-list", "pop-add", "pop-delete",
                "pop-poll", "pop-poll-result", "pop-messages", "pop-messages-refresh", "providers-list", "provider-add",
                "provider-save", "provider-delete", "provider-result", "features-list", "feature-file", "feature-upload",
                "feature-result", "password-save", "password-result")) {
            assertThat(js).as(id).contains("'" + id + "'");
        }
        // Built as prefix + '-' + name: the form prefixes, their buttons and their fields.
        for (String part : List.of("'-save'", "'-test'", "'-save-result'", "'-test-result'", "'-password-stored'",
                "'-provider-proposal'", "'-error'", "prefix: 'smtp'", "prefix: 'pop'")) {
            assertThat(scripts.get("settings.js") + scripts.get("forms.js")).as(part).contains(part);
        }
        for (String field : List.of("server", "port", "timeoutSeconds", "senderName", "senderAddress", "security",
                "authMethod", "username", "password", "provider", "account", "oauthMechanism", "id",
                "checkIntervalMinutes", "deleteAfterRetrieval", "enabled")) {
            assertThat(scripts.get("settings.js")).as(field).contains("name: '" + field + "'");
        }
        // The token panel: token-<slot>-<part>.
        for (String part : List.of("state", "provider", "account", "retrieved", "expires", "error", "get", "delete",
                "usercode", "verification-uri", "copy", "qr", "countdown", "cancel", "browser-link", "redirect-url",
                "complete", "message", "authorization")) {
            assertThat(scripts.get("token.js")).as(part).containsPattern("id\\('" + part + "'\\)|dd\\('" + part + "'");
        }
    }
}
