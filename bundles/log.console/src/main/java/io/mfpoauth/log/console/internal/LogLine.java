package io.mfpoauth.log.console.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.osgi.service.log.LogLevel;

/**
 * Formats one log entry as one console line:
 * {@code <ISO time> <LEVEL> <bundle> <logger>: <message>[ | <exception class>: <exception message>]},
 * optionally followed by the stack trace on the next lines.
 */
final class LogLine {

    /** ISO 8601 with milliseconds and the zone offset (Z for UTC). */
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);

    /** Width of the widest level name (AUDIT, ERROR, DEBUG, TRACE), so messages line up. */
    private static final int LEVEL_WIDTH = 5;

    private static final String NONE = "-";

    private LogLine() {
    }

    static String format(long timeMillis, ZoneId zone, LogLevel level, String bundle, String logger,
            String message, Throwable exception, boolean stackTrace) {
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(Instant.ofEpochMilli(timeMillis).atZone(zone)));
        line.append(' ');
        String levelName = level == null ? NONE : level.name();
        line.append(levelName);
        for (int i = levelName.length(); i < LEVEL_WIDTH; i++) {
            line.append(' ');
        }
        line.append(' ').append(orNone(bundle));
        line.append(' ').append(orNone(logger)).append(": ");
        line.append(oneLine(message == null ? "" : message));
        if (exception != null) {
            line.append(" | ").append(describe(exception));
            Throwable root = rootCause(exception);
            if (root != exception) {
                line.append(" | caused by ").append(describe(root));
            }
            if (stackTrace) {
                StringWriter trace = new StringWriter();
                exception.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
        }
        return line.toString();
    }

    private static String describe(Throwable t) {
        String text = t.getMessage();
        return text == null ? t.getClass().getName() : t.getClass().getName() + ": " + oneLine(text);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        // Bounded walk: a cause chain can be cyclic.
        for (int depth = 0; depth < 32 && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        return root;
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? NONE : oneLine(s);
    }

    /** Keeps an entry on one line whatever its text holds, so each line is one entry. */
    static String oneLine(String s) {
        if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }
}
