package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router<String> router = new Router<String>()
            .addOpen("POST", "/session", "signIn")
            .add("GET", "/tokens/{slot}", "status")
            .add("DELETE", "/tokens/{slot}", "delete")
            .add("GET", "/tokens/{slot}/qr.svg", "qr")
            .add("GET", "/providers/proposal", "proposal")
            .add("PUT", "/providers/{id}", "put");

    @Test
    void findsTheHandlerAndThePathVariables() {
        Router.Match<String> match = router.match("GET", "/tokens/pop-ifax");
        assertThat(match.handler()).isEqualTo("status");
        assertThat(match.parameters()).isEqualTo(Map.of("slot", "pop-ifax"));
        assertThat(match.open()).isFalse();
        assertThat(router.match("GET", "/tokens/smtp/qr.svg").handler()).isEqualTo("qr");
        assertThat(router.match("POST", "/session").open()).isTrue();
        assertThat(router.match("HEAD", "/tokens/smtp").handler()).isEqualTo("status");
    }

    @Test
    void unknownPathsAreUnknownAndWrongMethodsListTheRightOnes() {
        for (String path : new String[] { null, "", "/", "/nothing", "/tokens", "/tokens/", "/tokens//qr.svg",
            "/tokens/smtp/", "/tokens/smtp/qr.png", "tokens/smtp" }) {
            Router.Match<String> match = router.match("GET", path);
            assertThat(match.handler()).as(path).isNull();
            assertThat(match.unknownPath()).as(path).isTrue();
        }
        Router.Match<String> wrongMethod = router.match("POST", "/tokens/smtp");
        assertThat(wrongMethod.handler()).isNull();
        assertThat(wrongMethod.unknownPath()).isFalse();
        assertThat(wrongMethod.allowed()).containsExactly("DELETE", "GET", "HEAD");
    }

    @Test
    void aLiteralSegmentWinsOverAVariable() {
        assertThat(router.match("GET", "/providers/proposal").handler()).isEqualTo("proposal");
        assertThat(router.match("PUT", "/providers/corp").parameters()).containsEntry("id", "corp");
        assertThat(router.match("GET", "/providers/corp").allowed()).containsExactly("PUT");
    }
}
