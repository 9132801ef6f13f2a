package io.mfpoauth.token.service.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.service.internal.Replies.DeviceAnswer;
import io.mfpoauth.token.service.internal.Replies.TokenAnswer;
import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;
import io.mfpoauth.token.spi.OAuthError;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

import org.junit.jupiter.api.Test;

/** Whatever a provider answers, the reader returns a grant, a device code or a classified failure. */
class RepliesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A provider whose classification throws, or says Microsoft-like things. */
    static final class Provider implements OAuthProvider {
        final boolean broken;

        Provider(boolean broken) {
            this.broken = broken;
        }

        @Override
        public String id() {
            return "p";
        }

        @Override
        public String displayName() {
            return "P";
        }

        @Override
        public List<Flow> flows() {
            return List.of(Flow.DEVICE_CODE);
        }

        @Override
        public ProviderEndpoints endpoints() {
            return null;
        }

        @Override
        public List<String> scopes(MailProtocol protocol) {
            return List.of("s");
        }

        @Override
        public String clientId() {
            return "c";
        }

        @Override
        public ErrorVerdict classify(OAuthError error) {
            if (broken) {
                throw new IllegalStateException("provider bug");
            }
            if (error.errorCodes().contains(7000218L)) {
                return new ErrorVerdict(Kind.CONFIGURATION, "Allow public client flows in the app registration.");
            }
            return ErrorVerdict.standard(error);
        }
    }

    static HttpReply json(int status, String body) throws Exception {
        return new HttpReply(status, (ObjectNode) JSON.readTree(body), null, null);
    }

    static HttpReply notJson(int status, String problem, Duration retryAfter) {
        return new HttpReply(status, null, problem, retryAfter);
    }

    @Test
    void aGrantWithItsRotatedRefreshToken() throws Exception {
        TokenAnswer a = Replies.token(json(200, "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":\"120\",\"token_type\":\"bearer\"}"),
                new Provider(false));
        assertThat(a.grant().accessToken()).isEqualTo("A");
        assertThat(a.grant().refreshToken()).isEqualTo("R");
        assertThat(a.grant().expiresInSeconds()).isEqualTo(120);
        assertThat(a.grant().toString()).doesNotContain("A,").doesNotContain("R]");
    }

    @Test
    void aGrantWithoutLifetimeOrRefreshToken() throws Exception {
        TokenAnswer a = Replies.token(json(200, "{\"access_token\":\"A\"}"), new Provider(false));
        assertThat(a.grant().expiresInSeconds()).isEqualTo(3600);
        assertThat(a.grant().refreshToken()).isNull();
    }

    @Test
    void malformedGrantsAreTransientFailures() throws Exception {
        for (String body : List.of("{}", "{\"access_token\":\"\"}", "{\"access_token\":\"A\",\"token_type\":\"mac\"}",
                "{\"access_token\":[1,2]}", "{\"access_token\":{\"x\":1}}")) {
            TokenAnswer a = Replies.token(json(200, body), new Provider(false));
            assertThat(a.failure()).as(body).isNotNull();
            assertThat(a.failure().code()).isEqualTo(TokenError.MALFORMED_RESPONSE);
            assertThat(a.failure().retryable()).isTrue();
        }
    }

    @Test
    void answersThatAreNotJsonAreClassifiedByStatus() {
        assertThat(Replies.token(notJson(502, "not JSON (text/html)", null), new Provider(false)).failure().code())
                .isEqualTo(TokenError.SERVER_ERROR);
        Failure limited = Replies.token(notJson(429, "empty body", Duration.ofSeconds(30)), new Provider(false)).failure();
        assertThat(limited.code()).isEqualTo(TokenError.RATE_LIMITED);
        assertThat(limited.retryAfterNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        Failure big = Replies.token(notJson(200, "larger than 65536 bytes", null), new Provider(false)).failure();
        assertThat(big.code()).isEqualTo(TokenError.MALFORMED_RESPONSE);
        assertThat(big.message()).contains("larger than 65536 bytes");
    }

    @Test
    void theProvidersClassificationAndMessageAreUsed() throws Exception {
        Failure f = Replies.token(json(400, "{\"error\":\"unauthorized_client\",\"error_codes\":[7000218]}"),
                new Provider(false)).failure();
        assertThat(f.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(f.message()).contains("public client flows");
    }

    @Test
    void aBrokenProviderClassificationFallsBackToTheRfc() throws Exception {
        Failure f = Replies.token(json(400, "{\"error\":\"invalid_grant\"}"), new Provider(true)).failure();
        assertThat(f.kind()).isEqualTo(Kind.GRANT_UNUSABLE);
    }

    @Test
    void unknownErrorsNeverThrowATokenAway() throws Exception {
        Failure f = Replies.token(json(400, "{\"error\":\"something_new\"}"), new Provider(false)).failure();
        assertThat(f.kind()).isEqualTo(Kind.CONFIGURATION);
        Failure odd = Replies.token(json(400, "{\"error\":42}"), new Provider(false)).failure();
        assertThat(odd.kind()).isNotEqualTo(Kind.GRANT_UNUSABLE);
    }

    @Test
    void providerTextIsCleanedCutAndScrubbedOfSecrets() throws Exception {
        String description = "line1\nFAKE LOG LINE\r\u0000 refresh SECRET-RT " + "x".repeat(1000);
        Failure f = Replies.token(json(400, "{\"error\":\"invalid_grant\\u0007<script>\",\"error_description\":"
                + JSON.writeValueAsString(description) + "}"), new Provider(false), "SECRET-RT").failure();
        assertThat(f.code()).isEqualTo("invalid_grantscript");
        assertThat(f.message()).doesNotContain("\n", "\r", "\u0000", "SECRET-RT").hasSizeLessThan(700);
    }

    @Test
    void pendingAndSlowDownAreNotFailures() throws Exception {
        assertThat(Replies.token(json(400, "{\"error\":\"authorization_pending\"}"), new Provider(false)).pending())
                .isEqualTo(Replies.AUTHORIZATION_PENDING);
        assertThat(Replies.token(json(400, "{\"error\":\"slow_down\"}"), new Provider(false)).pending())
                .isEqualTo(Replies.SLOW_DOWN);
    }

    @Test
    void deviceCodeAnswers() throws Exception {
        DeviceAnswer ok = Replies.deviceCode(json(200, "{\"device_code\":\"D\",\"user_code\":\"U\","
                + "\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800}"), new Provider(false));
        assertThat(ok.code().verificationUri()).isEqualTo("https://www.google.com/device");
        assertThat(ok.code().intervalSeconds()).isEqualTo(5);
        assertThat(ok.code().toString()).doesNotContain("D,");

        DeviceAnswer hostile = Replies.deviceCode(json(200, "{\"device_code\":\"D\",\"user_code\":\"U\","
                + "\"verification_uri\":\"javascript:alert(1)\"}"), new Provider(false));
        assertThat(hostile.failure().code()).isEqualTo(TokenError.MALFORMED_RESPONSE);

        DeviceAnswer sneaky = Replies.deviceCode(json(200, "{\"device_code\":\"D\",\"user_code\":\"U\","
                + "\"verification_uri\":\"https://a.test/\",\"verification_uri_complete\":\"data:text/html,x\",\"interval\":0}"),
                new Provider(false));
        assertThat(sneaky.code().verificationUriComplete()).isNull();
        assertThat(sneaky.code().intervalSeconds()).isEqualTo(1);

        assertThat(Replies.deviceCode(json(200, "{\"user_code\":\"U\"}"), new Provider(false)).failure()).isNotNull();
    }

    @Test
    void theStatesCarryTheManualsLabels() {
        assertThat(TokenState.NOT_RETRIEVED.italian()).isEqualTo("Non recuperato");
        assertThat(TokenState.AWAITING_AUTHORIZATION.italian()).isEqualTo("In attesa di autorizzazione");
        assertThat(TokenState.RETRIEVED.italian()).isEqualTo("Recuperato");
        assertThat(TokenState.INVALID.italian()).isEqualTo("Non valido");
        assertThat(TokenState.NOT_RETRIEVED.english()).isEqualTo("Not retrieved");
        assertThat(TokenState.AWAITING_AUTHORIZATION.english()).isEqualTo("Awaiting authorization");
        assertThat(TokenState.RETRIEVED.english()).isEqualTo("Retrieved");
        assertThat(TokenState.INVALID.english()).isEqualTo("Invalid");
    }

    /** Found by fuzzing (itest/fuzz ProviderAnswersFuzzTest): the Content-Type is quoted in the failure message. */
    @Test
    void aContentTypeEchoingASecretIsScrubbed() {
        HttpReply reply = notJson(400, "not JSON (applicaclient-secret-4242tion/json)", null);
        TokenAnswer a = Replies.token(reply, new Provider(false), "client-secret-4242");
        assertThat(a.failure().message()).doesNotContain("client-secret-4242").contains("<hidden>");
        DeviceAnswer d = Replies.deviceCode(reply, new Provider(false), "client-secret-4242");
        assertThat(d.failure().message()).doesNotContain("client-secret-4242");
    }

    /** Found by fuzzing (itest/fuzz ProviderAnswersFuzzTest): the error code is the provider's text too. */
    @Test
    void anErrorCodeEchoingASecretIsNotShown() throws Exception {
        HttpReply reply = json(400, "{\"error\":\"slow_do>>client-secret-4242>>wn\",\"error_description\":\"x\"}");
        TokenAnswer a = Replies.token(reply, new Provider(false), "client-secret-4242");
        assertThat(a.failure().code()).isEqualTo("unknown_error");
        assertThat(a.failure().message()).doesNotContain("client-secret-4242");
        HttpReply upper = json(400, "{\"error\":\"RT-0.AXEA-Refresh-4242\"}");
        TokenAnswer b = Replies.token(upper, new Provider(false), "rt-0.AXEA-refresh-4242");
        assertThat(b.failure().code()).isEqualTo("unknown_error");
        assertThat(b.failure().message().toLowerCase()).doesNotContain("rt-0.axea-refresh-4242");
    }
}
