package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private static final String A = "192.0.2.1";
    private static final String B = "192.0.2.2";
    private final LoginThrottle throttle = new LoginThrottle();

    private static long seconds(double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void fiveWrongPasswordsAreFreeThenTheWaitStartsAtOneSecondAndDoubles() {
        long now = 0;
        for (int i = 0; i < 4; i++) {
            throttle.failed(A, now);
            assertThat(throttle.waitMillis(A, now)).isZero();
        }
        throttle.failed(A, now); // the fifth
        assertThat(throttle.waitMillis(A, now)).isEqualTo(1_000);
        assertThat(throttle.waitMillis(A, now + seconds(0.4))).isEqualTo(600);
        assertThat(throttle.waitMillis(A, now + seconds(1))).isZero();

        now += seconds(1);
        throttle.failed(A, now); // the sixth
        assertThat(throttle.waitMillis(A, now)).isEqualTo(2_000);
        now += seconds(2);
        throttle.failed(A, now);
        assertThat(throttle.waitMillis(A, now)).isEqualTo(4_000);
        assertThat(throttle.waitMillis(B, now)).as("another address").isZero();
    }

    @Test
    void theWaitStopsAtFiveMinutes() {
        assertThat(LoginThrottle.delayMillis(4)).isZero();
        assertThat(LoginThrottle.delayMillis(5)).isEqualTo(1_000);
        assertThat(LoginThrottle.delayMillis(13)).isEqualTo(256_000);
        assertThat(LoginThrottle.delayMillis(14)).isEqualTo(300_000);
        assertThat(LoginThrottle.delayMillis(1_000)).isEqualTo(300_000);
    }

    @Test
    void aRightPasswordForgetsTheFailures() {
        for (int i = 0; i < 7; i++) {
            throttle.failed(A, 0);
        }
        assertThat(throttle.waitMillis(A, 0)).isPositive();
        throttle.succeeded(A);
        assertThat(throttle.waitMillis(A, 0)).isZero();
        throttle.failed(A, 0);
        assertThat(throttle.waitMillis(A, 0)).isZero();
    }

    @Test
    void anAttemptCountsWhenItStartsSoParallelOnesCannotAllPass() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.reserve(A, 0)).as("attempt %d in progress", i + 1).isZero();
        }
        // Five still running their password hash: the sixth waits, and waiting counts nothing more.
        assertThat(throttle.reserve(A, 0)).isEqualTo(1_000);
        assertThat(throttle.reserve(A, seconds(0.5))).isEqualTo(500);
        assertThat(throttle.reserve(A, seconds(1))).isZero();
        assertThat(throttle.reserve(A, seconds(1))).as("the sixth failure doubles the wait").isEqualTo(2_000);
        assertThat(throttle.reserve(B, 0)).isZero();

        throttle.succeeded(A); // one of them had the right password
        assertThat(throttle.reserve(A, seconds(1))).isZero();
    }
}
