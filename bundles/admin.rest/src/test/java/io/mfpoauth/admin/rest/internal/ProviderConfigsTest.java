package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Dictionary;
import java.util.List;

import org.junit.jupiter.api.Test;


import io.mfpoauth.token.Flow;

class ProviderConfigsTest {
    private static final String SECRET = "client-s3cret";
    private final FakeConfigurationAdmin cm = new FakeConfigurationAdmin();
    private final ProviderConfigs configs = new ProviderConfigs(cm);

    private Dictionary<String, Object> stored(String pid) {
        return cm.configurations.get(pid).getProperties();
    }

    @Test
    void aGenericProviderIsAFactoryConfigurationWithItsSecretBehindADot() throws Exception {
        ProviderConfigs.Listed listed = configs.putGeneric("corp", TestJson.body("{\"type\":\"oidc\",\"name\":\"Corp mail\","
                + "\"issuer\":\"https://idp.example.com/realms/corp\",\"clientId\":\"printer\",\"clientSecret\":\""
                + SECRET + "\",\"scopes\":{\"smtp\":\"openid offline_access smtp\",\"pop3\":[\"openid\",\"pop\"]},"
                + "\"hosts\":[\"Mail.Corp.Example\"]}"));
        Dictionary<String, Object> properties = stored("io.mfpoauth.provider.oidc~corp");
        assertThat(properties.get("service.factoryPid")).isEqualTo("io.mfpoauth.provider.oidc");
        assertThat(properties.get("provider.id")).isEqualTo("corp");
        assertThat(properties.get("name")).isEqualTo("Corp mail");
        assertThat(properties.get("issuer")).isEqualTo("https://idp.example.com/realms/corp");
        assertThat(properties.get("clientId")).isEqualTo("printer");
        assertThat(properties.get(".clientSecret")).isEqualTo(SECRET);
        assertThat(properties.get("clientSecret")).isNull();
        assertThat(properties.get("smtpScopes")).isEqualTo("openid offline_access smtp");
        assertThat(properties.get("pop3Scopes")).isEqualTo("openid pop");
        assertThat((String[]) properties.get("hosts")).containsExactly("mail.corp.example");
        assertThat(listed).isEqualTo(new ProviderConfigs.Listed("corp", "Corp mail", List.of(Flow.DEVICE_CODE),
                List.of("mail.corp.example"), new ProviderConfigs.Settings("https://idp.example.com/realms/corp",
                        "printer", null, null, "openid offline_access smtp", "openid pop")));
        String answer = TestJson.text(Views.provider(listed.id(), listed.name(), listed.flows(), listed.hosts(), true,
                listed.settings()));
        assertThat(answer).doesNotContain(SECRET).doesNotContain("clientSecret");
        assertThat(answer).isEqualTo("{\"id\":\"corp\",\"name\":\"Corp mail\",\"flows\":[\"device_code\"],"
                + "\"hosts\":[\"mail.corp.example\"],\"configurable\":true,"
                + "\"issuer\":\"https://idp.example.com/realms/corp\",\"clientId\":\"printer\","
                + "\"scopes\":{\"smtp\":\"openid offline_access smtp\",\"pop3\":\"openid pop\"}}");
        assertThat(configs.generic()).containsOnlyKeys("corp");
    }

    @Test
    void aChangeKeepsTheSecretAndWhatTheApiDoesNotName() throws Exception {
        configs.putGeneric("corp", TestJson.body("{\"type\":\"oidc\",\"issuer\":\"https://idp.example.com\",\"clientId\":\"a\","
                + "\"clientSecret\":\"" + SECRET + "\"}"));
        Dictionary<String, Object> withFlow = stored("io.mfpoauth.provider.oidc~corp");
        withFlow.put("flow", "authorization_code");
        cm.configurations.get("io.mfpoauth.provider.oidc~corp").update(withFlow);

        ProviderConfigs.Listed listed = configs.putGeneric("corp", TestJson.body("{\"type\":\"oidc\",\"clientId\":\"b\","
                + "\"clientSecret\":null}"));
        Dictionary<String, Object> properties = stored("io.mfpoauth.provider.oidc~corp");
        assertThat(properties.get("clientId")).isEqualTo("b");
        assertThat(properties.get(".clientSecret")).isEqualTo(SECRET);
        assertThat(properties.get("flow")).isEqualTo("authorization_code");
        assertThat(listed.flows()).containsExactly(Flow.AUTHORIZATION_CODE);
        assertThat(listed.name()).as("no name: the id").isEqualTo("corp");
    }

    @Test
    void badSettingsAreRefusedAndNothingIsStored() {
        assertField("{\"type\":\"oidc\",\"clientId\":\"a\"}", "issuer");
        assertField("{\"type\":\"oidc\",\"issuer\":\"http://idp.example.com\",\"clientId\":\"a\"}", "issuer");
        assertField("{\"type\":\"oidc\",\"issuer\":\"https://idp.example.com\"}", "clientId");
        assertField("{\"type\":\"oidc\",\"issuer\":\"https://idp.example.com\",\"clientId\":\"a\",\"hosts\":[\"a b\"]}",
                "hosts[0]");
        assertField("{\"type\":\"oidc\",\"issuer\":\"https://idp.example.com\",\"clientId\":\"a\",\"scopes\":\"x\"}",
                "scopes");
        assertThat(cm.configurations).isEmpty();
    }

    @Test
    void loopbackHttpIsAllowedForLocalTestServers() throws Exception {
        configs.putGeneric("local", TestJson.body("{\"type\":\"oidc\",\"issuer\":\"http://127.0.0.1:8180/realms/test\","
                + "\"clientId\":\"a\"}"));
        assertThat(configs.generic()).containsKey("local");
    }

    @Test
    void plainHttpOnlyToALiteralLoopbackAddress() throws Exception {
        for (String ok : new String[] { "https://idp.example.com", "http://127.0.0.1:8180/realms/test",
            "http://127.1.2.3/", "http://localhost:8080/", "http://LOCALHOST/", "http://[::1]:8180/" }) {
            ProviderConfigs.checkAddress("issuer", ok);
        }
        for (String bad : new String[] { "http://127.attacker.example/", "http://127.0.0.1.nip.io/",
            "http://127.0.0.1.attacker.example/", "http://localhost.attacker.example/", "http://idp.example.com/",
            "http://1270.0.0.1/", "ftp://127.0.0.1/" }) {
            ApiException e = catchThrowableOfType(ApiException.class, () -> ProviderConfigs.checkAddress("issuer", bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.body().get("field").asText()).isEqualTo("issuer");
        }
    }

    @Test
    void microsoftAndGoogleKeepTheirOwnPids() throws Exception {
        ProviderConfigs.Listed microsoft = configs.putBundled("microsoft", TestJson.body("{\"tenant\":\"contoso.com\","
                + "\"clientId\":\"11111111-2222-3333-4444-555555555555\",\"authority\":\"https://login.microsoftonline.us\","
                + "\"hosts\":[\"smtp.office365.us\"]}"));
        Dictionary<String, Object> ms = stored("io.mfpoauth.provider.microsoft");
        assertThat(ms.get("tenant")).isEqualTo("contoso.com");
        assertThat(ms.get("authority")).isEqualTo("https://login.microsoftonline.us");
        assertThat(microsoft.flows()).containsExactly(Flow.DEVICE_CODE);
        assertThat(microsoft.hosts()).containsExactly("smtp.office365.us");

        configs.putBundled("google", TestJson.body("{\"clientId\":\"x.apps.googleusercontent.com\",\"clientSecret\":\"" + SECRET
                + "\",\"tenant\":\"ignored\"}"));
        Dictionary<String, Object> google = stored("io.mfpoauth.provider.google");
        assertThat(google.get(".clientSecret")).isEqualTo(SECRET);
        assertThat(google.get("tenant")).isNull();

        ApiException tenant = catchThrowableOfType(ApiException.class,
                () -> configs.putBundled("microsoft", TestJson.body("{\"tenant\":\"a/b\"}")));
        assertThat(tenant.body().get("field").asText()).isEqualTo("tenant");
    }

    @Test
    void deletingRemovesOnlyAGenericProvider() throws Exception {
        configs.putGeneric("corp", TestJson.body("{\"type\":\"oidc\",\"issuer\":\"https://idp.example.com\",\"clientId\":\"a\"}"));
        assertThat(configs.deleteGeneric("microsoft")).isFalse();
        assertThat(configs.deleteGeneric("corp")).isTrue();
        assertThat(configs.deleteGeneric("corp")).isFalse();
        assertThat(cm.configurations).isEmpty();
    }

    @Test
    void aBlankRequiredFieldOfAStoredProviderIsRefusedNotDeleted() throws Exception {
        configs.putGeneric("corp", TestJson.body("{\"type\":\"oidc\",\"name\":\"Corp\","
                + "\"issuer\":\"https://idp.example.com\",\"clientId\":\"printer\",\"scopes\":{\"smtp\":\"smtp\"}}"));
        assertField("{\"clientId\":\"\"}", "clientId");
        assertField("{\"clientId\":\"  \"}", "clientId");
        assertField("{\"clientId\":null}", "clientId");
        assertField("{\"issuer\":\"\"}", "issuer");
        Dictionary<String, Object> properties = stored("io.mfpoauth.provider.oidc~corp");
        assertThat(properties.get("clientId")).isEqualTo("printer");
        assertThat(properties.get("issuer")).isEqualTo("https://idp.example.com");

        // Left out: kept, as before.
        ProviderConfigs.Listed listed = configs.putGeneric("corp", TestJson.body("{\"name\":\"Corp 2\"}"));
        assertThat(listed.settings().clientId()).isEqualTo("printer");
        assertThat(listed.settings().smtpScopes()).isEqualTo("smtp");

        configs.putBundled("microsoft", TestJson.body("{\"clientId\":\"app\",\"tenant\":\"contoso.com\"}"));
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> configs.putBundled("microsoft", TestJson.body("{\"clientId\":\"\",\"tenant\":\"\"}")));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.body().get("field").asText()).isEqualTo("clientId");
        assertThat(stored("io.mfpoauth.provider.microsoft").get("clientId")).isEqualTo("app");
        assertThat(stored("io.mfpoauth.provider.microsoft").get("tenant")).as("nothing stored").isEqualTo("contoso.com");
        // The tenant has a default: a blank one goes back to it.
        configs.putBundled("microsoft", TestJson.body("{\"tenant\":\"\"}"));
        assertThat(stored("io.mfpoauth.provider.microsoft").get("tenant")).isNull();
    }

    @Test
    void theStoredSettingsOfABundledProviderWithoutItsSecret() throws Exception {
        assertThat(configs.bundledSettings("microsoft")).as("none stored, none made").isNull();
        assertThat(cm.configurations).isEmpty();
        configs.putBundled("google", TestJson.body("{\"clientId\":\"x.apps.googleusercontent.com\",\"clientSecret\":\""
                + SECRET + "\"}"));
        ProviderConfigs.Settings google = configs.bundledSettings("google");
        assertThat(google.clientId()).isEqualTo("x.apps.googleusercontent.com");
        assertThat(google.toString()).doesNotContain(SECRET);
        assertThat(configs.bundledSettings("corp")).isNull();
    }

    private void assertField(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> configs.putGeneric("corp", TestJson.body(json)));
        assertThat(e).as(json).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.body().get("field").asText()).as(json).isEqualTo(field);
    }
}
