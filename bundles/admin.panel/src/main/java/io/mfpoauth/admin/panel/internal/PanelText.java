package io.mfpoauth.admin.panel.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

/**
 * How the console words a token's state: the manual's Italian label next to the English one, e.g.
 * {@code smtp: Recuperato / Retrieved (scanner@example.com, provider microsoft, expires 10:42)}. Never a token.
 */
final class PanelText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final ZoneId zone;

    PanelText(ZoneId zone) {
        this.zone = zone;
    }

    /** {@code Recuperato / Retrieved}. */
    static String words(TokenState state) {
        return state.italian() + " / " + state.english();
    }

    /** {@code <slot>: <it> / <en> (<account>, provider <id>, expires HH:mm)}. */
    String stateLine(TokenStatus status) {
        return status.slot + ": " + state(status);
    }

    /** The state and what goes with it, without the slot. */
    String state(TokenStatus status) {
        List<String> details = new ArrayList<>();
        if (status.account != null) {
            details.add(status.account);
        }
        if (status.provider != null) {
            details.add("provider " + status.provider + (status.providerAvailable ? "" : " (not installed)"));
        }
        if (status.state == TokenState.RETRIEVED && status.expiresAt > 0) {
            details.add("expires " + time(status.expiresAt));
        }
        return words(status.state) + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")");
    }

    /** The last error's line, or null when there is none. */
    static String errorLine(TokenStatus status) {
        TokenError error = status.error;
        if (error == null) {
            return null;
        }
        return "  last error " + error.code + ": " + error.message
                + (error.retryable ? " (temporary: the device tries again by itself)" : "");
    }

    String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    String dateTime(long epochMillis) {
        return DATE_TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }
}
