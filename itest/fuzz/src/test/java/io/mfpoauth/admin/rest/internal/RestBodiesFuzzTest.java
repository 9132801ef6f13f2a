package io.mfpoauth.admin.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.fuzz.Script;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.auth.SettingsCodec;

/**
 * The JSON bodies of the admin REST API as its handlers read them: the body read under its cap
 * ({@link Bodies#read}), parsed strictly ({@link Json#parseObject}), then the fields of one endpoint:
 * {@code PUT /settings/smtp} and {@code PUT /settings/pop/{id}} ({@link SettingsJson} laid over the current
 * settings, then the settings service's check, then the answer), {@code POST /session}, {@code PUT
 * /admin/password}, {@code POST /tokens/{slot}/retrieval} (the pasted redirect address), {@code PUT
 * /providers/{id}} ({@link ProviderConfigs}: a generic provider's settings, or Microsoft's or Google's own, into
 * ConfigAdmin).
 *
 * <p>Contract: a result, or a 400 {@link ApiException} (413 over the cap) whose JSON body names the field, or a
 * {@link SettingsException} naming the field; no error and no answer repeats the password sent; an answer holds
 * neither {@code password} nor a secret.
 *
 * <p>Input: the endpoint ({@code smtp}, {@code pop}, {@code session}, {@code password}, {@code retrieval},
 * {@code provider corp|microsoft|google}) on the first line, then the body.
 */
class RestBodiesFuzzTest {
    /** The password the seeds send: an error that quotes the body would show it. */
    private static final String PASSWORD = "hunter2-4242";
    private static final String CLIENT_SECRET = "client-secret-4242";

    @FuzzTest
    void body(byte[] input) throws Exception {
        Script script = new Script(input);
        String endpoint = script.line().trim();
        byte[] bytes = script.rest();
        boolean secret = onlyAsPassword(new String(bytes, StandardCharsets.UTF_8));
        try {
            ObjectNode body = Json.parseObject(Bodies.read(new ByteArrayInputStream(bytes), -1, Bodies.JSON_LIMIT));
            switch (endpoint) {
                case "smtp" -> {
                    SmtpSettings merged = SettingsJson.mergeSmtp(new SmtpSettings(), body);
                    SettingsCodec.check(merged);
                    answer(SettingsJson.smtp(SettingsCodec.smtp(SettingsCodec.properties(merged))), secret);
                }
                case "pop" -> {
                    PopSettings merged = SettingsJson.mergePop("ifax", new PopSettings(), body);
                    assertEquals("ifax", merged.id);
                    SettingsCodec.check(merged);
                    answer(SettingsJson.pop(SettingsCodec.pop(SettingsCodec.properties(merged))), secret);
                }
                case "session" -> {
                    Json.text(body, "user");
                    Json.text(body, "password");
                }
                case "password" -> {
                    Json.text(body, "current");
                    Json.text(body, "new");
                }
                case "retrieval" -> Json.text(body, "redirectUrl");
                case "provider corp", "provider microsoft", "provider google" -> {
                    String id = endpoint.substring("provider ".length());
                    ProviderConfigs configs = new ProviderConfigs(InMemoryConfigurationAdmin.create());
                    ProviderConfigs.Listed listed = ProviderConfigs.isBundled(id) ? configs.putBundled(id, body)
                            : configs.putGeneric(id, body);
                    assertEquals(id, listed.id());
                    assertFalse(listed.toString().contains(CLIENT_SECRET) && onlyAsSecret(body), "a listing shows the secret");
                }
                default -> {
                    Json.integer(body, "port", 0);
                    Json.bool(body, "enabled", true);
                }
            }
        } catch (ApiException e) {
            assertTrue(e.status() == 400 || e.status() == 413, "status " + e.status());
            String shown = new String(Json.write(e.body()), StandardCharsets.UTF_8);
            assertFalse(secret && shown.contains(PASSWORD), "an error repeats the password sent");
            assertFalse(secret && String.valueOf(e.getMessage()).contains(PASSWORD), "an error repeats the password");
        } catch (SettingsException e) {
            assertNotNull(e.field());
            assertFalse(secret && e.getMessage().contains(PASSWORD), "a refusal repeats the password sent");
        }
    }

    /** Whether the client secret is in the body only as the clientSecret (write-only) field. */
    private static boolean onlyAsSecret(JsonNode body) {
        java.util.Iterator<java.util.Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            java.util.Map.Entry<String, JsonNode> field = fields.next();
            // Case-blind: host names are listed lower-cased, so "client-secreT-4242" in hosts is listed as the secret.
            if (!field.getKey().equals("clientSecret")
                    && field.getValue().toString().toLowerCase(java.util.Locale.ROOT).contains(CLIENT_SECRET)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the body holds the password once, as the value of a password field: only then is seeing it again
     * a leak (the fuzzer may as well copy it into the server name, which is shown).
     */
    private static boolean onlyAsPassword(String text) {
        int first = text.indexOf(PASSWORD);
        if (first < 0 || text.indexOf(PASSWORD, first + 1) >= 0) {
            return false;
        }
        for (String field : new String[] { "password", "current", "new" }) {
            if (text.contains("\"" + field + "\":\"" + PASSWORD + "\"")) {
                return true;
            }
        }
        return false;
    }

    private static void answer(ObjectNode node, boolean secret) {
        assertFalse(node.has("password"), "an answer holds the password");
        String shown = new String(Json.write(node), StandardCharsets.UTF_8);
        assertFalse(secret && shown.contains(PASSWORD), "an answer repeats the password");
        JsonNode again = node.path("port");
        assertTrue(again.isMissingNode() || again.canConvertToInt());
    }
}
