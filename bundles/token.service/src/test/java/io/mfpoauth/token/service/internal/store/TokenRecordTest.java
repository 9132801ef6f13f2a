package io.mfpoauth.token.service.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenRecordTest {
    private static final String REFRESH = "refresh-CANARY-7f3a";
    private static final String ACCESS = "access-CANARY-91bc";

    private final TokenRecord record = new TokenRecord("smtp", "microsoft", "printer@example.com", REFRESH, ACCESS,
            1_000L, 500L, "SMTP.Send offline_access", false, null, null);

    @Test
    void toStringHidesTheTokens() {
        assertThat(record.toString()).doesNotContain(REFRESH).doesNotContain(ACCESS)
                .contains("smtp", "microsoft", "printer@example.com", "<hidden>");
        assertThat(record.withInvalid("invalid_grant", "expired").toString()).doesNotContain(REFRESH, ACCESS)
                .contains("invalid_grant");
    }

    @Test
    void withersCopyAndChangeOnlyWhatTheySay() {
        TokenRecord renewed = record.withAccess("new-access", 2_000L);
        assertThat(renewed.accessToken()).isEqualTo("new-access");
        assertThat(renewed.accessExpiresAt()).isEqualTo(2_000L);
        assertThat(renewed.refreshToken()).isEqualTo(REFRESH);
        assertThat(record.accessToken()).isEqualTo(ACCESS);

        TokenRecord rotated = record.withRefreshToken("new-refresh");
        assertThat(rotated.refreshToken()).isEqualTo("new-refresh");
        assertThat(rotated.accessToken()).isEqualTo(ACCESS);

        TokenRecord invalid = record.withInvalid("invalid_grant", "The grant expired");
        assertThat(invalid.invalid()).isTrue();
        assertThat(invalid.invalidCode()).isEqualTo("invalid_grant");
        assertThat(invalid.invalidMessage()).isEqualTo("The grant expired");
        assertThat(invalid.refreshToken()).isEqualTo(REFRESH);
        assertThat(record.invalid()).isFalse();
    }

    @Test
    void equalsAndHashCodeCoverEveryField() {
        TokenRecord same = new TokenRecord("smtp", "microsoft", "printer@example.com", REFRESH, ACCESS, 1_000L, 500L,
                "SMTP.Send offline_access", false, null, null);
        assertThat(same).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(record.withAccess(ACCESS, 1_001L)).isNotEqualTo(record);
        assertThat(record.withRefreshToken(null)).isNotEqualTo(record);
        assertThat(record.withInvalid(null, null)).isNotEqualTo(record);
    }
}
