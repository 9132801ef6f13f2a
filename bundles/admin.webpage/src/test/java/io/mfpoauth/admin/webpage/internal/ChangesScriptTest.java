package io.mfpoauth.admin.webpage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The provider form sends only what the administrator changed (a blank field would delete a stored setting): runs
 * {@code static/changes.js} in Node when the build machine has it (skipped otherwise), and checks that the provider
 * form uses it.
 */
class ChangesScriptTest {

    private static Path statics() throws URISyntaxException {
        return Path.of(IndexServlet.class.getResource(IndexServlet.INDEX).toURI()).getParent().resolve("static");
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void onlyChangedFieldsAndTypedScopesAreSent() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed");
        String script = "import { changedEntries, typedScopes } from '" + statics().resolve("changes.js").toUri() + "';\n"
                + "import assert from 'node:assert/strict';\n"
                // Filled from the list: tenant and authority untouched, clientId changed, a password typed.
                + "const initial = { tenant: 'contoso.com', clientId: 'a', authority: '', hosts: ['x.example'] };\n"
                + "assert.deepEqual(changedEntries({ tenant: 'contoso.com', clientId: 'b', authority: '',"
                + " hosts: ['x.example'], clientSecret: 's' }, initial), { clientId: 'b', clientSecret: 's' });\n"
                + "assert.deepEqual(changedEntries({ hosts: ['x.example', 'y.example'] }, initial),"
                + " { hosts: ['x.example', 'y.example'] });\n"
                + "assert.deepEqual(changedEntries(initial, initial), {});\n"
                // Scopes: none typed, none sent; one typed, only it.
                + "assert.equal(typedScopes({ smtp: '', pop3: '' }, { smtp: '', pop3: '' }), null);\n"
                + "assert.equal(typedScopes({ smtp: 'a b', pop3: 'c' }, { smtp: 'a b', pop3: 'c' }), null);\n"
                + "assert.deepEqual(typedScopes({ smtp: 'x', pop3: 'c' }, { smtp: 'a b', pop3: 'c' }), { smtp: 'x' });\n"
                + "console.log('ok');\n";
        Path file = Files.createTempFile("changes-test", ".mjs");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Process node = new ProcessBuilder("node", file.toString()).redirectErrorStream(true).start();
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output.trim()).isEqualTo("ok");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theProviderFormSendsOnlyWhatChangedAndScopesOnlyWhenTyped() throws Exception {
        String providers = Files.readString(statics().resolve("providers.js"), StandardCharsets.UTF_8);
        assertThat(providers).contains("form.getValues({ changedOnly: true })").contains("typedScopes(")
                .doesNotContain("scopes: { smtp: form.input('scopes-smtp')");
        String forms = Files.readString(statics().resolve("forms.js"), StandardCharsets.UTF_8);
        assertThat(forms).contains("options.changedOnly ? changedEntries(body, initial) : body");
    }
}
