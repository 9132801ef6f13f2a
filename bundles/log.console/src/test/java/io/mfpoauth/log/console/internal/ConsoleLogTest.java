package io.mfpoauth.log.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.osgi.util.converter.Converters;

class ConsoleLogTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final FakeReader reader = new FakeReader();

    @Test
    void printsHistoryOldestFirstThenLiveEntries() {
        reader.history.add(entry(1, LogLevel.INFO, "first"));
        reader.history.add(entry(2, LogLevel.INFO, "second"));
        ConsoleLog log = new ConsoleLog(reader, config(Map.of()), out, ZoneOffset.UTC);

        reader.listener.logged(entry(3, LogLevel.INFO, "third"));

        assertThat(messages()).containsExactly("first", "second", "third");
        log.deactivate();
        assertThat(reader.listener).isNull();
    }

    @Test
    void printsAnEntryOnceWhenItArrivesWhileTheHistoryIsRead() {
        reader.history.add(entry(1, LogLevel.INFO, "old"));
        LogEntry racing = entry(2, LogLevel.INFO, "racing");
        // Logged after the listener was added but before the history was read: seen both ways.
        reader.onAdd = l -> {
            reader.history.add(racing);
            l.logged(racing);
        };

        new ConsoleLog(reader, config(Map.of()), out, ZoneOffset.UTC);

        assertThat(messages()).containsExactly("old", "racing");
    }

    @Test
    void defaultLevelIsInfo() {
        reader.history.add(entry(1, LogLevel.DEBUG, "hidden"));
        reader.history.add(entry(2, LogLevel.WARN, "shown"));

        new ConsoleLog(reader, config(Map.of()), out, ZoneOffset.UTC);

        assertThat(lines()).singleElement().asString().contains("WARN").endsWith(": shown");
    }

    @Test
    void configuredLevelLetsDebugThroughWithStackTraces() {
        reader.history.add(entry(1, LogLevel.DEBUG, "detail"));
        reader.history.add(entry(2, LogLevel.TRACE, "hidden"));
        ConsoleLog log = new ConsoleLog(reader, config(Map.of("minimum.level", "DEBUG")), out, ZoneOffset.UTC);

        log.logged(new Entry(3, LogLevel.ERROR, "failed", new IllegalStateException("boom"), "test"));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains(": detail").doesNotContain("hidden")
            .contains(": failed | java.lang.IllegalStateException: boom")
            .contains("\tat ");
    }

    @Test
    void frameworkEventsAreShownOnlyAtDebugUnlessTheyAreErrors() {
        reader.history.add(new Entry(1, LogLevel.INFO, "BundleEvent STARTED", null, "Events.Bundle.x"));
        reader.history.add(new Entry(2, LogLevel.ERROR, "FrameworkEvent ERROR", null, "Events.Framework.x"));
        reader.history.add(new Entry(3, LogLevel.INFO, "token service started", null, "x"));

        new ConsoleLog(reader, config(Map.of()), out, ZoneOffset.UTC);
        assertThat(messages()).containsExactly("FrameworkEvent ERROR", "token service started");

        bytes.reset();
        new ConsoleLog(reader, config(Map.of("minimum.level", "DEBUG")), out, ZoneOffset.UTC);
        assertThat(lines()).hasSize(3);
    }

    @Test
    void aNewLevelAppliesFromTheNextEntryWithoutPrintingTheHistoryAgain() {
        reader.history.add(entry(1, LogLevel.WARN, "old"));
        ConsoleLog log = new ConsoleLog(reader, config(Map.of()), out, ZoneOffset.UTC);

        log.modified(config(Map.of("minimum.level", "ERROR")));
        log.logged(entry(2, LogLevel.WARN, "hidden now"));
        log.logged(entry(3, LogLevel.ERROR, "shown"));

        assertThat(messages()).containsExactly("old", "shown");
    }

    @Test
    void theLoggersCreateEntriesDownToTheConsoleLevel() {
        FakeLoggers loggers = new FakeLoggers();
        loggers.root.levels.put("io.mfpoauth.token.service", LogLevel.ERROR);
        ConsoleLog log = new ConsoleLog(reader, loggers, config(Map.of()), out, ZoneOffset.UTC);
        assertThat(loggers.root.levels).containsEntry(Logger.ROOT_LOGGER_NAME, LogLevel.INFO)
                .containsEntry("io.mfpoauth.token.service", LogLevel.ERROR);

        log.modified(config(Map.of("minimum.level", "DEBUG")));

        assertThat(loggers.root.levels).containsEntry(Logger.ROOT_LOGGER_NAME, LogLevel.DEBUG)
                .containsEntry(ConsoleLog.CONFIG_ADMIN_LOGGER, LogLevel.INFO); // its DEBUG shows secrets

        log.modified(config(Map.of("minimum.level", "ERROR")));

        assertThat(loggers.root.levels).containsEntry(Logger.ROOT_LOGGER_NAME, LogLevel.ERROR)
                .containsEntry(ConsoleLog.CONFIG_ADMIN_LOGGER, LogLevel.ERROR);
    }

    /** The message part of each printed line. */
    private List<String> messages() {
        return lines().stream().map(l -> l.substring(l.indexOf(": ") + 2)).toList();
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static ConsoleLog.Config config(Map<String, Object> properties) {
        return Converters.standardConverter().convert(properties).to(ConsoleLog.Config.class);
    }

    private static LogEntry entry(long sequence, LogLevel level, String message) {
        return new Entry(sequence, level, message, null, "test");
    }

    /** Only the root context, which is all the console sets. */
    private static final class FakeLoggers implements LoggerAdmin {
        final FakeContext root = new FakeContext();

        @Override
        public LoggerContext getLoggerContext(String name) {
            assertThat(name).isNull();
            return root;
        }
    }

    private static final class FakeContext implements LoggerContext {
        final Map<String, LogLevel> levels = new HashMap<>();

        @Override
        public String getName() {
            return null;
        }

        @Override
        public LogLevel getEffectiveLogLevel(String name) {
            return levels.getOrDefault(name, levels.getOrDefault(Logger.ROOT_LOGGER_NAME, LogLevel.WARN));
        }

        @Override
        public Map<String, LogLevel> getLogLevels() {
            return new HashMap<>(levels);
        }

        @Override
        public void setLogLevels(Map<String, LogLevel> update) {
            levels.clear();
            levels.putAll(update);
        }

        @Override
        public void clear() {
            levels.clear();
        }

        @Override
        public boolean isEmpty() {
            return levels.isEmpty();
        }
    }

    /** The log's history is handed out most recent first, as the OSGi log does. */
    private static final class FakeReader implements LogReaderService {
        final List<LogEntry> history = new ArrayList<>();
        LogListener listener;
        Consumer<LogListener> onAdd = l -> {
        };

        @Override
        public void addLogListener(LogListener l) {
            listener = l;
            onAdd.accept(l);
        }

        @Override
        public void removeLogListener(LogListener l) {
            if (listener == l) {
                listener = null;
            }
        }

        @Override
        public Enumeration<LogEntry> getLog() {
            List<LogEntry> recentFirst = new ArrayList<>(history);
            Collections.reverse(recentFirst);
            return Collections.enumeration(recentFirst);
        }
    }

    private record Entry(long sequence, LogLevel level, String message, Throwable exception, String logger)
            implements LogEntry {
        @Override
        public Bundle getBundle() {
            return null;
        }

        @Override
        public ServiceReference<?> getServiceReference() {
            return null;
        }

        @SuppressWarnings("deprecation")
        @Override
        public int getLevel() {
            return level.ordinal();
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public Throwable getException() {
            return exception;
        }

        @Override
        public long getTime() {
            return 1_700_000_000_000L + sequence;
        }

        @Override
        public LogLevel getLogLevel() {
            return level;
        }

        @Override
        public String getLoggerName() {
            return logger;
        }

        @Override
        public long getSequence() {
            return sequence;
        }

        @Override
        public String getThreadInfo() {
            return "main";
        }

        @Override
        public StackTraceElement getLocation() {
            return null;
        }
    }
}
