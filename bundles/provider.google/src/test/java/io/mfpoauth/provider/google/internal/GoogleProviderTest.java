package io.mfpoauth.provider.google.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.ProviderException;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class GoogleProviderTest {

    static GoogleProvider provider(Map<String, Object> values) {
        return new GoogleProvider(Converters.standardConverter().convert(values).to(GoogleConfig.class));
    }

    @Test
    void browserFlowWithTheMailScopeAndOfflineAccess() throws Exception {
        GoogleProvider p = provider(Map.of("clientId", "123.apps.googleusercontent.com", ".clientSecret", "GOCSPX-x"));
        assertThat(p.flows()).containsExactly(Flow.AUTHORIZATION_CODE);
        for (MailProtocol m : MailProtocol.values()) {
            assertThat(p.scopes(m)).containsExactly("https://mail.google.com/");
        }
        assertThat(p.authorizationParameters()).containsEntry("access_type", "offline").containsEntry("prompt", "consent");
        assertThat(p.endpoints().authorization()).hasToString("https://accounts.google.com/o/oauth2/v2/auth");
        assertThat(p.endpoints().token()).hasToString("https://oauth2.googleapis.com/token");
        assertThat(p.endpoints().revocation()).hasToString("https://oauth2.googleapis.com/revoke");
        assertThat(p.endpoints().deviceAuthorization()).isNull();
        assertThat(p.clientSecret()).isEqualTo("GOCSPX-x");
        assertThat(p.mailHosts()).contains("gmail.com", "googlemail.com");
    }

    @Test
    void withoutAClientIdItIsAConfigurationError() {
        assertThatThrownBy(() -> provider(Map.of()).endpoints()).isInstanceOf(ProviderException.class)
                .hasMessageContaining("client id");
    }

    @Test
    void aChangedConfigurationAppliesAtOnce() {
        GoogleProvider p = provider(Map.of("clientId", "a"));
        p.modified(Converters.standardConverter().convert(Map.of("clientId", "b")).to(GoogleConfig.class));
        assertThat(p.clientId()).isEqualTo("b");
    }
}
