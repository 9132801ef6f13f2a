package io.mfpoauth.provider.oidc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.ProviderException;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class OidcProviderTest {

    static OidcProvider provider(Map<String, Object> values) {
        Map<String, Object> m = new HashMap<>(Map.of("provider.id", "corp", "name", "Corp mail", "clientId", "printer"));
        m.putAll(values);
        m.values().removeIf(v -> v == null);
        return new OidcProvider(Converters.standardConverter().convert(m).to(OidcProviderConfig.class));
    }

    @Test
    void anIssuerAloneIsCompletedByDiscoveryInTheTokenService() throws Exception {
        OidcProvider p = provider(Map.of("issuer", "https://idp.example.test/realms/corp",
                "smtpScopes", " smtp.send  offline_access ", "hosts", new String[] {"Mail.Corp.Example"}));
        assertThat(p.id()).isEqualTo("corp");
        assertThat(p.displayName()).isEqualTo("Corp mail");
        assertThat(p.flows()).containsExactly(Flow.DEVICE_CODE);
        assertThat(p.endpoints().issuer()).hasToString("https://idp.example.test/realms/corp");
        assertThat(p.endpoints().token()).isNull();
        assertThat(p.scopes(MailProtocol.SMTP)).containsExactly("smtp.send", "offline_access");
        assertThat(p.scopes(MailProtocol.POP3)).isEmpty();
        assertThat(p.mailHosts()).containsExactly("mail.corp.example");
        assertThat(p.clientSecret()).isNull();
    }

    @Test
    void explicitEndpointsAndABrowserFlowWithASecret() throws Exception {
        OidcProvider p = provider(Map.of("tokenEndpoint", "https://idp.example.test/token",
                "authorizationEndpoint", "https://idp.example.test/auth", "flow", "authorization_code",
                ".clientSecret", "s3cret", "authorizationParameters", new String[] {"access_type=offline", "junk"}));
        assertThat(p.flows()).containsExactly(Flow.AUTHORIZATION_CODE);
        assertThat(p.endpoints().token()).hasToString("https://idp.example.test/token");
        assertThat(p.clientSecret()).isEqualTo("s3cret");
        assertThat(p.authorizationParameters()).containsExactly(Map.entry("access_type", "offline"));
        assertThat(p.toString()).doesNotContain("s3cret");
    }

    @Test
    void unusableSettingsAreAClearConfigurationErrorAtUseNotACrash() {
        assertThatThrownBy(() -> provider(Map.of()).endpoints()).isInstanceOf(ProviderException.class)
                .hasMessageContaining("neither an issuer nor a token endpoint");
        assertThatThrownBy(() -> provider(Map.of("issuer", "not a url")).endpoints())
                .isInstanceOf(ProviderException.class).hasMessageContaining("issuer");
        assertThatThrownBy(() -> provider(Map.of("issuer", "https://idp.example.test", "clientId", " ")).endpoints())
                .isInstanceOf(ProviderException.class).hasMessageContaining("client id");
    }

    @Test
    void anInvalidIdRefusesTheComponent() {
        assertThatThrownBy(() -> provider(Map.of("provider.id", "Bad Id"))).isInstanceOf(IllegalArgumentException.class);
    }
}
