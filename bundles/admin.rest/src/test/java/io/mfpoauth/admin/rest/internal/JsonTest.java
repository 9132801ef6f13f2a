package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void malformedJsonSaysWhereButNeverEchoesWhatWasTyped() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> TestJson.body("{\"user\":\"admin\",\"password\":hunter2secret}"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.body().has("field")).isFalse();
        assertThat(e.body().get("message").asText()).isEqualTo("The body is not valid JSON at line 1, column 28");
        assertThat(e.body().toString()).doesNotContain("hunter2");

        ApiException open = catchThrowableOfType(ApiException.class, () -> TestJson.body("{\"password\":\"hunter2"));
        assertThat(open.body().get("message").asText()).startsWith("The body is not valid JSON").doesNotContain("hunter2");
    }
}
