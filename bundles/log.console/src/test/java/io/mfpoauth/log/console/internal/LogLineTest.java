package io.mfpoauth.log.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class LogLineTest {

    private static final long TIME = Instant.parse("2025-03-04T05:06:07.089Z").toEpochMilli();

    @Test
    void formatsTimeLevelBundleLoggerAndMessage() {
        String line = LogLine.format(TIME, ZoneOffset.UTC, LogLevel.INFO, "io.mfpoauth.token.service",
            "io.mfpoauth.token.service.internal.Tokens", "token refreshed", null, false);

        assertThat(line).isEqualTo("2025-03-04T05:06:07.089Z INFO  io.mfpoauth.token.service"
            + " io.mfpoauth.token.service.internal.Tokens: token refreshed");
    }

    @Test
    void showsTheZoneOffsetOfTheConsole() {
        String line = LogLine.format(TIME, ZoneId.of("Europe/Rome"), LogLevel.WARN, "b", "l", "m", null, false);

        assertThat(line).startsWith("2025-03-04T06:06:07.089+01:00 WARN  b l: m");
    }

    @Test
    void appendsExceptionClassMessageAndRootCauseWithoutStackTrace() {
        Exception e = new IllegalStateException("refresh failed", new UncheckedIOException(new IOException("timeout")));

        String line = LogLine.format(TIME, ZoneOffset.UTC, LogLevel.ERROR, "b", "l", "m", e, false);

        assertThat(line)
            .endsWith("m | java.lang.IllegalStateException: refresh failed | caused by java.io.IOException: timeout")
            .doesNotContain("\n")
            .doesNotContain("\tat ");
    }

    @Test
    void appendsTheStackTraceOnFollowingLinesWhenAsked() {
        Exception e = new IllegalArgumentException("bad");

        String text = LogLine.format(TIME, ZoneOffset.UTC, LogLevel.DEBUG, "b", "l", "m", e, true);

        String[] lines = text.split(System.lineSeparator());
        assertThat(lines[0]).endsWith("m | java.lang.IllegalArgumentException: bad");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalArgumentException: bad");
        assertThat(lines[2]).startsWith("\tat io.mfpoauth.log.console.internal.LogLineTest.");
    }

    @Test
    void keepsOneEntryOnOneLine() {
        String line = LogLine.format(TIME, ZoneOffset.UTC, LogLevel.INFO, "b", "l", "first\r\nsecond\nthird",
            new RuntimeException("a\nb"), false);

        assertThat(line).doesNotContain("\n").doesNotContain("\r")
            .endsWith("l: first\\nsecond\\nthird | java.lang.RuntimeException: a\\nb");
    }

    @Test
    void marksMissingBundleLoggerAndMessage() {
        String line = LogLine.format(TIME, ZoneOffset.UTC, LogLevel.AUDIT, null, null, null,
            new NullPointerException(), false);

        assertThat(line).isEqualTo("2025-03-04T05:06:07.089Z AUDIT - -:  | java.lang.NullPointerException");
    }
}
