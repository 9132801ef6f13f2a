package io.mfpoauth.mail.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.OAuthMechanism;

class SaslTest {

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void xoauth2CarriesTheAccountAndTheBearerToken() {
        assertThat(decoded(Sasl.xoauth2("fax@example.com", "tok")))
                .isEqualTo("user=fax@example.com\u0001auth=Bearer tok\u0001\u0001");
    }

    @Test
    void oauthBearerFollowsRfc7628WithTheAccountEscaped() {
        assertThat(decoded(Sasl.oauthBearer("a,b=c@example.com", "mail.example.com", 587, "tok")))
                .isEqualTo("n,a=a=2Cb=3Dc@example.com,\u0001host=mail.example.com\u0001port=587"
                        + "\u0001auth=Bearer tok\u0001\u0001");
        assertThat(Sasl.errorAcknowledgement(Sasl.OAUTHBEARER)).isEqualTo("AQ==");
        assertThat(Sasl.errorAcknowledgement(Sasl.XOAUTH2)).isEmpty();
    }

    @Test
    void plainIsAuthzidlessRfc4616() {
        assertThat(decoded(Sasl.plain("user", "pw"))).isEqualTo("\u0000user\u0000pw");
    }

    @Test
    void aControlCharacterIsRefusedWithoutEchoingTheValue() {
        assertThatThrownBy(() -> Sasl.xoauth2("fax@example.com", "secret\r\nRSET"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void automaticChoicePrefersXoauth2ThenOauthbearer() {
        assertThat(Sasl.choose(OAuthMechanism.AUTO, List.of("PLAIN", "OAUTHBEARER", "XOAUTH2"))).isEqualTo(Sasl.XOAUTH2);
        assertThat(Sasl.choose(OAuthMechanism.AUTO, List.of("PLAIN", "OAUTHBEARER"))).isEqualTo(Sasl.OAUTHBEARER);
        assertThat(Sasl.choose(OAuthMechanism.AUTO, List.of("PLAIN", "LOGIN"))).isNull();
        assertThat(Sasl.choose(OAuthMechanism.OAUTHBEARER, List.of("XOAUTH2", "OAUTHBEARER")))
                .isEqualTo(Sasl.OAUTHBEARER);
        assertThat(Sasl.choose(OAuthMechanism.XOAUTH2, List.of("OAUTHBEARER"))).isNull();
    }

    @Test
    void anErrorChallengeIsDecodedForTheMessageAndBounded() {
        String challenge = Base64.getEncoder().encodeToString(
                "{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(Sasl.readableChallenge(challenge)).isEqualTo("{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}");
        assertThat(Sasl.readableChallenge("not base64 !\u0007")).isEqualTo("not base64 !");
        assertThat(Sasl.readableChallenge("x".repeat(10_000))).hasSizeLessThanOrEqualTo(300);
    }
}
