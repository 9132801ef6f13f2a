package io.mfpoauth.token.service.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class HttpReplyTest {
    private final ObjectMapper mapper = HttpReply.newMapper();
    private final Instant now = Instant.parse("2026-03-01T10:00:00Z");

    private HttpReply reply(String contentType, String body) {
        return HttpReply.of(200, contentType, body.getBytes(StandardCharsets.UTF_8), false, 65536, null, mapper, now);
    }

    @Test
    void fieldsAsTextAndNumbers() {
        HttpReply r = reply("application/json",
                "{\"access_token\":\"t\",\"expires_in\":3599,\"interval\":\"5\",\"ext\":\"x5\",\"obj\":{},\"f\":1.5}");
        assertThat(r.problem()).isNull();
        assertThat(r.text("access_token")).isEqualTo("t");
        assertThat(r.text("expires_in")).isEqualTo("3599");
        assertThat(r.text("obj")).isNull();
        assertThat(r.text("missing")).isNull();
        assertThat(r.number("expires_in", -1)).isEqualTo(3599);
        assertThat(r.number("interval", -1)).isEqualTo(5);
        assertThat(r.number("ext", -1)).isEqualTo(-1);
        assertThat(r.number("obj", -1)).isEqualTo(-1);
        assertThat(r.number("missing", 7)).isEqualTo(7);
        assertThat(r.number("f", -1)).isEqualTo(1);
    }

    @Test
    void problems() {
        assertThat(reply("text/html; charset=utf-8", "<html>oops</html>").problem()).isEqualTo("not JSON (text/html)");
        assertThat(reply(null, "<html>oops</html>").problem()).isEqualTo("not JSON (no content type)");
        assertThat(reply("application/json", "{\"a\":").problem()).isEqualTo("invalid JSON (application/json)");
        assertThat(reply("application/json", "{\"a\":1} trailing").problem()).startsWith("invalid JSON");
        assertThat(reply("application/json", "").problem()).isEqualTo("empty body");
        assertThat(reply("application/json", "  \n").problem()).isEqualTo("empty body");
        assertThat(reply("application/json", "[1,2]").problem()).isEqualTo("JSON but not an object");
        assertThat(reply("text/plain", "\"s\"").problem()).isEqualTo("JSON but not an object");
        assertThat(reply("te\u0001xt/evil<script>", "x").problem()).isEqualTo("not JSON (unrecognised content type)");
        HttpReply big = HttpReply.of(200, "application/json", new byte[10], true, 10, null, mapper, now);
        assertThat(big.problem()).isEqualTo("larger than 10 bytes");
        assertThat(big.json()).isNull();
        assertThat(big.text("x")).isNull();
        assertThat(big.number("x", 3)).isEqualTo(3);
    }

    @Test
    void retryAfterSecondsAndDates() {
        assertThat(HttpReply.parseRetryAfter("120", now)).contains(Duration.ofSeconds(120));
        assertThat(HttpReply.parseRetryAfter(" 0 ", now)).contains(Duration.ZERO);
        assertThat(HttpReply.parseRetryAfter("86400", now)).contains(Duration.ofHours(1));
        assertThat(HttpReply.parseRetryAfter("99999999999999999999", now)).contains(Duration.ofHours(1));
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(120).atOffset(ZoneOffset.UTC));
        assertThat(HttpReply.parseRetryAfter(inTwoMinutes, now)).contains(Duration.ofSeconds(120));
        assertThat(HttpReply.parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(HttpReply.parseRetryAfter("Wed, 01 Mar 2028 09:00:00 GMT", now)).contains(Duration.ofHours(1));
        assertThat(HttpReply.parseRetryAfter("soon", now)).isEmpty();
        assertThat(HttpReply.parseRetryAfter("-5", now)).isEmpty();
        assertThat(HttpReply.parseRetryAfter(null, now)).isEmpty();
    }

    /** Found by fuzzing (itest/fuzz ProviderAnswersFuzzTest): control characters only made parseLong("") throw. */
    @Test
    void aRetryAfterOfControlCharactersIsIgnored() {
        assertThat(HttpReply.parseRetryAfter("\0\0", now)).isEmpty();
        assertThat(HttpReply.parseRetryAfter("\u0001 \t", now)).isEmpty();
    }

    @Test
    void toStringNeverShowsTheBody() {
        HttpReply r = reply("application/json", "{\"access_token\":\"SECRET-CANARY\"}");
        assertThat(r.toString()).doesNotContain("SECRET-CANARY").contains("200");
    }

    @Test
    void constructorForTestsAndFakes() {
        ObjectNode json = mapper.createObjectNode().put("error", "invalid_grant");
        HttpReply r = new HttpReply(400, json, null, Duration.ofHours(5));
        assertThat(r.text("error")).isEqualTo("invalid_grant");
        assertThat(r.retryAfter()).contains(Duration.ofHours(1));
        assertThat(r.isSuccess()).isFalse();
        assertThat(new HttpReply(200, null, "empty body", null).retryAfter()).isEmpty();
        assertThatThrownBy(() -> new HttpReply(200, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpReply(200, json, "x", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
