package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SessionsTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private final Sessions sessions = new Sessions(new SecureRandom(), 30 * MINUTE, 3);

    @Test
    void idsAndCsrfTokensAreLongAndRandom() {
        Sessions.Session a = sessions.create(0);
        Sessions.Session b = sessions.create(0);
        assertThat(Base64.getUrlDecoder().decode(a.id())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(Base64.getUrlDecoder().decode(a.csrfToken())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(a.id()).isNotEqualTo(b.id()).isNotEqualTo(a.csrfToken());
        assertThat(a.toString()).doesNotContain(a.id(), a.csrfToken());
    }

    @Test
    void aSessionEndsAfterItsIdleTimeCountedFromTheLastUse() {
        Sessions.Session session = sessions.create(0);
        assertThat(sessions.use(session.id(), 29 * MINUTE)).isSameAs(session);
        assertThat(sessions.isLive(session.id(), 58 * MINUTE)).isTrue();
        assertThat(sessions.use(session.id(), 59 * MINUTE)).isNull();
        assertThat(sessions.use(session.id(), 59 * MINUTE + 1)).isNull();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void theCsrfTokenMustBeTheSessionsOwn() {
        Sessions.Session a = sessions.create(0);
        Sessions.Session b = sessions.create(0);
        assertThat(a.csrfMatches(a.csrfToken())).isTrue();
        assertThat(a.csrfMatches(b.csrfToken())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.csrfMatches("")).isFalse();
    }

    @Test
    void theNumberIsBoundedAndTheLongestIdleGoesFirst() {
        Sessions.Session first = sessions.create(0);
        Sessions.Session second = sessions.create(1);
        Sessions.Session third = sessions.create(2);
        sessions.use(first.id(), 3);
        Sessions.Session fourth = sessions.create(4);
        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.isLive(second.id(), 5)).isFalse();
        assertThat(sessions.isLive(first.id(), 5)).isTrue();
        assertThat(sessions.isLive(third.id(), 5)).isTrue();
        assertThat(sessions.isLive(fourth.id(), 5)).isTrue();
    }

    @Test
    void logOutAndEndAllBut() {
        Sessions.Session a = sessions.create(0);
        Sessions.Session b = sessions.create(0);
        Sessions.Session c = sessions.create(0);
        sessions.end(a.id());
        assertThat(sessions.use(a.id(), 1)).isNull();
        sessions.endAllBut(b.id());
        assertThat(sessions.use(b.id(), 1)).isSameAs(b);
        assertThat(sessions.use(c.id(), 1)).isNull();
        sessions.endAllBut(null);
        assertThat(sessions.size()).isZero();
        assertThat(sessions.use(null, 1)).isNull();
        assertThat(sessions.use("x".repeat(1000), 1)).isNull();
    }
}
