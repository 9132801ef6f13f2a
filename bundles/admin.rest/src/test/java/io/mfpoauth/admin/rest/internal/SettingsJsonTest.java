package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;


import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;

class SettingsJsonTest {
    private static final String SECRET = "s3cret-Passw0rd";

    private static SmtpSettings smtp() {
        SmtpSettings smtp = new SmtpSettings();
        smtp.server = "smtp.office365.com";
        smtp.senderName = "Printer";
        smtp.senderAddress = "printer@example.com";
        smtp.authMethod = AuthMethod.OAUTH2;
        smtp.provider = "microsoft";
        smtp.account = "printer@example.com";
        smtp.username = "printer";
        smtp.password = SECRET;
        smtp.passwordSet = true;
        return smtp;
    }

    @Test
    void smtpOutHasEveryContractFieldButThePassword() {
        JsonNode node = SettingsJson.smtp(smtp());
        assertThat(node.properties()).extracting(e -> e.getKey()).containsExactly("server", "port", "timeoutSeconds",
                "senderName", "senderAddress", "security", "authMethod", "username", "provider", "account",
                "oauthMechanism", "passwordSet");
        assertThat(TestJson.text(node)).doesNotContain(SECRET).doesNotContain("\"password\"")
                .contains("\"security\":\"starttls\"", "\"authMethod\":\"oauth2\"", "\"oauthMechanism\":\"auto\"",
                        "\"passwordSet\":true", "\"port\":587");
    }

    @Test
    void popOutHasEveryContractFieldButThePassword() {
        PopSettings pop = new PopSettings();
        pop.id = "ifax";
        pop.server = "outlook.office365.com";
        pop.password = SECRET;
        pop.passwordSet = true;
        JsonNode node = SettingsJson.pop(pop);
        assertThat(node.properties()).extracting(e -> e.getKey()).containsExactly("id", "server", "port",
                "checkIntervalMinutes", "timeoutSeconds", "security", "authMethod", "oauthMechanism",
                "deleteAfterRetrieval", "enabled",
                "passwordSet");
        assertThat(TestJson.text(node)).doesNotContain(SECRET).contains("\"security\":\"tls\"", "\"authMethod\":\"oauth2\"");
    }

    @Test
    void aBodyIsLaidOverTheCurrentSettings() throws Exception {
        SmtpSettings current = smtp();
        current.password = null;
        SmtpSettings merged = SettingsJson.mergeSmtp(current, TestJson.body("{\"port\":465,\"security\":\"TLS\","
                + "\"senderName\":null,\"passwordSet\":false,\"oauthMechanism\":\"xoauth2\",\"unknown\":1}"));
        assertThat(merged.port).isEqualTo(465);
        assertThat(merged.security).isEqualTo(Security.TLS);
        assertThat(merged.oauthMechanism).isEqualTo(OAuthMechanism.XOAUTH2);
        assertThat(merged.senderName).as("set to null: cleared").isNull();
        assertThat(merged.server).as("left out: kept").isEqualTo("smtp.office365.com");
        assertThat(merged.password).as("left out: the stored one is kept").isNull();
        assertThat(SettingsJson.mergeSmtp(current, TestJson.body("{\"password\":\"new one\"}")).password).isEqualTo("new one");
    }

    @Test
    void aBadValueNamesItsField() {
        assertField("{\"port\":\"587\"}", "port");
        assertField("{\"port\":1.5}", "port");
        assertField("{\"security\":\"ssl\"}", "security");
        assertField("{\"authMethod\":\"kerberos\"}", "authMethod");
        assertField("{\"oauthMechanism\":7}", "oauthMechanism");
        assertField("{\"server\":[\"a\"]}", "server");
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> SettingsJson.mergeSmtp(smtp(), TestJson.body("{\"security\":\"ssl\"}")));
        assertThat(TestJson.text(e.body())).isEqualTo("{\"error\":\"bad_request\",\"field\":\"security\","
                + "\"message\":\"must be one of none, starttls, tls\"}");
    }

    @Test
    void aPopBodyKeepsThePathsId() throws Exception {
        PopSettings merged = SettingsJson.mergePop("ifax", new PopSettings(),
                TestJson.body("{\"server\":\"pop.example.com\",\"enabled\":false,\"checkIntervalMinutes\":15}"));
        assertThat(merged.id).isEqualTo("ifax");
        assertThat(merged.enabled).isFalse();
        assertThat(merged.deleteAfterRetrieval).isTrue();
        assertThat(merged.checkIntervalMinutes).isEqualTo(15);
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> SettingsJson.mergePop("ifax", new PopSettings(), TestJson.body("{\"id\":\"other\"}")));
        assertThat(e.body().get("field").asText()).isEqualTo("id");
        ApiException bool = catchThrowableOfType(ApiException.class,
                () -> SettingsJson.mergePop("ifax", new PopSettings(), TestJson.body("{\"enabled\":\"yes\"}")));
        assertThat(bool.body().get("field").asText()).isEqualTo("enabled");
    }

    @Test
    void aRefusalOfTheSettingsServiceNamesItsField() {
        ApiException e = SettingsApi.refused(new SettingsException("port", "must be between 1 and 65535"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(TestJson.text(e.body()))
                .isEqualTo("{\"error\":\"bad_request\",\"field\":\"port\",\"message\":\"must be between 1 and 65535\"}");
    }

    @Test
    void malformedJsonIs400() {
        for (String bad : new String[] { "", "{", "[1]", "\"text\"", "{\"a\":1}{", "{\"a\":1,\"a\":2}" }) {
            ApiException e = catchThrowableOfType(ApiException.class, () -> TestJson.body(bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.body().get("error").asText()).isEqualTo("bad_request");
        }
    }

    private static void assertField(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> SettingsJson.mergeSmtp(smtp(), TestJson.body(json)));
        assertThat(e).as(json).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.body().get("field").asText()).as(json).isEqualTo(field);
    }
}
