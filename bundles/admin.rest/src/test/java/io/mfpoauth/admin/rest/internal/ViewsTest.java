package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

class ViewsTest {

    @Test
    void aNeverUsedSlotShowsOnlyWhatItHas() {
        TokenStatus status = new TokenStatus();
        status.slot = "smtp";
        status.state = TokenState.NOT_RETRIEVED;
        status.revision = 3;
        assertThat(TestJson.text(Views.tokenStatus(status))).isEqualTo(
                "{\"slot\":\"smtp\",\"state\":\"NOT_RETRIEVED\",\"label\":{\"it\":\"Non recuperato\",\"en\":\"Not retrieved\"}}");
    }

    @Test
    void everyFieldOfTheContractWithItsLabelsAndTransient() {
        TokenStatus status = new TokenStatus();
        status.slot = "pop-ifax";
        status.provider = "microsoft";
        status.providerAvailable = true;
        status.account = "fax@example.com";
        status.state = TokenState.AWAITING_AUTHORIZATION;
        status.retrievedAt = 1_700_000_000_000L;
        status.expiresAt = 1_700_000_360_000L;
        status.error = new TokenError();
        status.error.code = TokenError.NETWORK;
        status.error.message = "The provider could not be reached";
        status.error.retryable = true;
        status.error.at = 5;
        status.authorization = new PendingAuthorization();
        status.authorization.flow = Flow.DEVICE_CODE;
        status.authorization.userCode = "ABCD-EFGH";
        status.authorization.verificationUri = "https://microsoft.com/devicelogin";
        status.authorization.message = "To sign in, use a web browser";
        status.authorization.expiresAt = 1_700_000_900_000L;

        JsonNode node = Views.tokenStatus(status);
        assertThat(node.properties()).extracting(e -> e.getKey()).containsExactly("slot", "provider", "account",
                "state", "label", "retrievedAt", "expiresAt", "error", "authorization");
        assertThat(node.get("label").get("it").asText()).isEqualTo("In attesa di autorizzazione");
        assertThat(node.get("label").get("en").asText()).isEqualTo("Awaiting authorization");
        assertThat(TestJson.text(node.get("error"))).isEqualTo(
                "{\"code\":\"network\",\"message\":\"The provider could not be reached\",\"transient\":true}");
        assertThat(TestJson.text(node.get("authorization"))).isEqualTo("{\"userCode\":\"ABCD-EFGH\","
                + "\"verificationUri\":\"https://microsoft.com/devicelogin\",\"expiresAt\":1700000900000}");
        assertThat(node.get("retrievedAt").asLong()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void everyStateHasBothLabels() {
        for (TokenState state : TokenState.values()) {
            TokenStatus status = new TokenStatus();
            status.slot = "smtp";
            status.state = state;
            JsonNode label = Views.tokenStatus(status).get("label");
            assertThat(label.get("it").asText()).isEqualTo(state.italian());
            assertThat(label.get("en").asText()).isEqualTo(state.english());
        }
    }

    @Test
    void theEventFrameIsOneDataLine() {
        TokenStatus status = new TokenStatus();
        status.slot = "smtp";
        status.state = TokenState.RETRIEVED;
        status.error = new TokenError();
        status.error.message = "line one\nline two";
        String frame = new String(EventStreams.tokenFrame(status), StandardCharsets.UTF_8);
        assertThat(frame).startsWith("event: token\ndata: {\"slot\":\"smtp\"").endsWith("}\n\n");
        assertThat(frame.split("\n")).hasSize(2);
    }

    @Test
    void providersListFlowsInLowerCase() {
        assertThat(TestJson.text(Views.provider("corp", "Corp mail", List.of(Flow.DEVICE_CODE, Flow.AUTHORIZATION_CODE),
                List.of("mail.corp.example", "corp.example"), true))).isEqualTo("{\"id\":\"corp\",\"name\":\"Corp mail\","
                        + "\"flows\":[\"device_code\",\"authorization_code\"],"
                        + "\"hosts\":[\"corp.example\",\"mail.corp.example\"],\"configurable\":true}");
    }

    @Test
    void tokenFailuresMapTo400409502And503() {
        ApiException account = TokenApi.failure(new TokenException(TokenException.BAD_ACCOUNT, "bad account", false));
        assertThat(account.status()).isEqualTo(400);
        assertThat(account.body().get("field").asText()).isEqualTo("account");
        ApiException state = TokenApi.failure(new TokenException(TokenError.STATE_MISMATCH, "wrong state", false));
        assertThat(state.body().get("field").asText()).isEqualTo("redirectUrl");
        ApiException network = TokenApi.failure(new TokenException(TokenError.NETWORK, "unreachable", true));
        assertThat(network.status()).isEqualTo(502);
        assertThat(TestJson.text(network.body())).isEqualTo("{\"error\":\"network\",\"message\":\"unreachable\"}");
        ApiException missing = TokenApi.failure(new TokenException(TokenError.PROVIDER_MISSING, "not installed", false));
        assertThat(missing.status()).isEqualTo(409);
        assertThat(TestJson.text(missing.body()))
                .isEqualTo("{\"error\":\"conflict\",\"message\":\"not installed\",\"code\":\"provider_missing\"}");
        assertThat(TokenApi.failure(new TokenException(TokenException.STOPPED, "stopping", false)).status())
                .isEqualTo(503);
    }
}
