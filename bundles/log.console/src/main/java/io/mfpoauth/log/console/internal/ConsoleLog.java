package io.mfpoauth.log.console.internal;

import java.io.PrintStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Shows the firmware's log on the console: every entry of the OSGi log at or above the configured
 * level becomes one line on standard error. Entries logged before this component started (still
 * in the log's history) are printed first, oldest first.
 * <p>
 * The log service also records every framework, bundle and service event at INFO (loggers
 * {@code Events.*}, OSGi Log specification). They drown the messages of the firmware, so the console
 * treats them as DEBUG; events at WARN or ERROR (a bundle that fails to start) are always shown.
 */
// No service: the listener is handed to the LogReaderService directly, and a component without
// a service is activated as soon as it is satisfied.
@Component(configurationPid = ConsoleLog.PID, service = {})
@Designate(ocd = ConsoleLog.Config.class)
public final class ConsoleLog implements LogListener {

    /** Configuration PID: drop {@code io.mfpoauth.log.console.cfg} into the conf folder to change the level. */
    static final String PID = "io.mfpoauth.log.console";

    /** The logger of ConfigAdmin's entries (it logs through the LogService). */
    static final String CONFIG_ADMIN_LOGGER = "LogService.org.apache.felix.configadmin";

    /** Logger name prefix of the entries the log service makes from framework events. */
    static final String EVENTS = "Events.";

    @ObjectClassDefinition(
        name = "mfp-oauth console log",
        description = "Prints the entries of the OSGi log on standard error, one line each.")
    @interface Config {
        @AttributeDefinition(
            name = "Minimum level",
            description = "Entries below this level are not printed. At DEBUG and TRACE exceptions"
                + " are printed with their stack trace, and framework, bundle and service events are shown.")
        LogLevel minimum_level() default LogLevel.INFO;
    }

    private final LogReaderService reader;
    /** Null only in unit tests that do not look at the loggers' level. */
    private final LoggerAdmin loggers;
    private final PrintStream out;
    private final ZoneId zone;

    /** Guards all fields below, and keeps lines from interleaving. */
    private final Object lock = new Object();
    private LogLevel minimum;
    private boolean stackTraces;
    private boolean replaying = true;
    private final List<LogEntry> pending = new ArrayList<>();

    @Activate
    public ConsoleLog(@Reference LogReaderService reader, @Reference LoggerAdmin loggers, Config config) {
        this(reader, loggers, config, System.err, ZoneId.systemDefault());
    }

    ConsoleLog(LogReaderService reader, Config config, PrintStream out, ZoneId zone) {
        this(reader, null, config, out, zone);
    }

    ConsoleLog(LogReaderService reader, LoggerAdmin loggers, Config config, PrintStream out, ZoneId zone) {
        this.reader = reader;
        this.loggers = loggers;
        this.out = out;
        this.zone = zone;
        modified(config);
        // Listen first, then read the history: nothing logged in between is lost, and entries
        // seen both ways are printed once (by sequence number).
        reader.addLogListener(this);
        replayHistory();
    }

    /** A new level applies from the next entry on, without printing the history again. */
    @Modified
    void modified(Config config) {
        synchronized (lock) {
            minimum = config.minimum_level();
            stackTraces = minimum.implies(LogLevel.DEBUG);
        }
        rootLevel(config.minimum_level());
    }

    /**
     * A Logger drops entries below its context's level before they reach the log (the OSGi Log specification's
     * default is WARN): without this, the firmware's INFO and DEBUG messages never arrived here at any level.
     */
    private void rootLevel(LogLevel level) {
        if (loggers == null) {
            return;
        }
        LoggerContext root = loggers.getLoggerContext(null);
        Map<String, LogLevel> levels = new HashMap<>(root.getLogLevels());
        levels.put(Logger.ROOT_LOGGER_NAME, level);
        // At DEBUG, ConfigAdmin logs every updated configuration with its values, a provider's client secret
        // included (found by itest reliability.CanaryIT): its entries stop at INFO whatever the console shows.
        levels.put(CONFIG_ADMIN_LOGGER, LogLevel.INFO.implies(level) ? level : LogLevel.INFO);
        root.setLogLevels(levels);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        synchronized (lock) {
            if (replaying) {
                pending.add(entry);
                return;
            }
            print(entry);
        }
    }

    private void replayHistory() {
        // getLog() enumerates the most recent entry first.
        List<LogEntry> history = Collections.list(reader.getLog());
        Collections.reverse(history);
        synchronized (lock) {
            long last = Long.MIN_VALUE;
            for (LogEntry entry : history) {
                print(entry);
                last = Math.max(last, entry.getSequence());
            }
            for (LogEntry entry : pending) {
                if (entry.getSequence() > last) {
                    print(entry);
                }
            }
            pending.clear();
            replaying = false;
        }
    }

    /** Called with {@link #lock} held. */
    private void print(LogEntry entry) {
        if (!minimum.implies(consoleLevel(entry))) {
            return;
        }
        Bundle bundle = entry.getBundle();
        out.println(LogLine.format(entry.getTime(), zone, entry.getLogLevel(),
            bundle == null ? null : bundle.getSymbolicName(), entry.getLoggerName(), entry.getMessage(),
            entry.getException(), stackTraces));
    }

    /** The level the console filters on: events logged at INFO count as DEBUG. */
    static LogLevel consoleLevel(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        String logger = entry.getLoggerName();
        return level == LogLevel.INFO && logger != null && logger.startsWith(EVENTS) ? LogLevel.DEBUG : level;
    }
}
