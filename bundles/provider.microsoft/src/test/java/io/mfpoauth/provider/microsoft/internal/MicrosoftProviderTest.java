package io.mfpoauth.provider.microsoft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;
import io.mfpoauth.token.spi.OAuthError;
import io.mfpoauth.token.spi.ProviderException;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class MicrosoftProviderTest {

    static MicrosoftConfig config(Map<String, Object> values) {
        return Converters.standardConverter().convert(values).to(MicrosoftConfig.class);
    }

    static MicrosoftProvider provider(String... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new MicrosoftProvider(config(m));
    }

    @Test
    void endpointsFollowTheAuthorityAndTenant() throws Exception {
        MicrosoftProvider p = provider("clientId", "11111111-2222-3333-4444-555555555555", "tenant", "contoso.onmicrosoft.com",
                "authority", "https://login.microsoftonline.us/");
        assertThat(p.endpoints().deviceAuthorization()).hasToString(
                "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
        assertThat(p.endpoints().token()).hasToString("https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assertThat(p.endpoints().revocation()).isNull();
        assertThat(provider("clientId", "x").endpoints().token())
                .hasToString("https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
    }

    @Test
    void scopesPerProtocolWithOfflineAccess() {
        MicrosoftProvider p = provider("clientId", "x");
        assertThat(p.scopes(MailProtocol.SMTP)).containsExactly("https://outlook.office.com/SMTP.Send", "offline_access");
        assertThat(p.scopes(MailProtocol.POP3)).containsExactly("https://outlook.office.com/POP.AccessAsUser.All", "offline_access");
        assertThat(p.scopes(MailProtocol.IMAP)).containsExactly("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access");
        assertThat(p.mailHosts()).contains("office365.com", "smtp-mail.outlook.com");
    }

    @Test
    void missingOrBadSettingsAreConfigurationErrors() {
        assertThatThrownBy(() -> provider().endpoints()).isInstanceOf(ProviderException.class)
                .hasMessageContaining("client id").matches(e -> !((ProviderException) e).retryable());
        assertThatThrownBy(() -> provider("clientId", "x", "tenant", "bad tenant/..").endpoints())
                .isInstanceOf(ProviderException.class).hasMessageContaining("tenant");
        assertThatThrownBy(() -> provider("clientId", "x", "authority", "not a url").endpoints())
                .isInstanceOf(ProviderException.class).hasMessageContaining("authority");
    }

    @Test
    void aChangedConfigurationAppliesWithoutANewService() throws Exception {
        MicrosoftProvider p = provider("clientId", "old");
        p.modified(config(Map.of("clientId", "new", "tenant", "consumers")));
        assertThat(p.clientId()).isEqualTo("new");
        assertThat(p.endpoints().token().getPath()).startsWith("/consumers/");
    }

    static ErrorVerdict classify(String error, long code) {
        return MicrosoftErrors.classify(new OAuthError(400, error,
                "AADSTS" + code + ": something. Trace ID: 0000 Correlation ID: 1111", List.of(code)));
    }

    @Test
    void aadstsCodesRefineTheMessageAndKnownSettingsAreNotVerdicts() {
        ErrorVerdict publicClient = classify("invalid_client", 7000218);
        assertThat(publicClient.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(publicClient.message()).contains("Allow public client flows").contains("AADSTS7000218");

        assertThat(classify("invalid_grant", 700082).kind()).isEqualTo(Kind.GRANT_UNUSABLE);
        assertThat(classify("invalid_grant", 700082).message()).contains("90 days");
        assertThat(classify("invalid_grant", 50057).message()).contains("disabled");
        assertThat(classify("invalid_grant", 65001).message()).contains("Consent");
        assertThat(classify("interaction_required", 50076).kind()).isEqualTo(Kind.GRANT_UNUSABLE);
        assertThat(classify("invalid_request", 90002).kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(classify("invalid_grant", 50194).kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(classify("invalid_grant", 50033).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void theErrorFieldWinsOverAGrantCode() {
        // Microsoft: act on the error field. A grant code under a non-grant error keeps the token.
        assertThat(classify("temporarily_unavailable", 700082).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void theCodeIsReadFromTheDescriptionWhenErrorCodesAreMissing() {
        OAuthError e = new OAuthError(400, "invalid_grant", "AADSTS70043: The refresh token has expired", null);
        assertThat(MicrosoftErrors.code(e)).isEqualTo(70043L);
        assertThat(MicrosoftErrors.classify(e).message()).contains("sign-in frequency");
        assertThat(MicrosoftErrors.classify(new OAuthError(400, "invalid_grant", null, null)).kind())
                .isEqualTo(Kind.GRANT_UNUSABLE);
        assertThat(MicrosoftErrors.classify(new OAuthError(503, null, "AADSTS999999 unknown", null)).kind())
                .isEqualTo(Kind.TRANSIENT);
    }
}
