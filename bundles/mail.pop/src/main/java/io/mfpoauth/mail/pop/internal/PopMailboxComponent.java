package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.MailReceiver;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.auth.SettingsCodec;
import io.mfpoauth.token.TokenService;

/**
 * The mailbox of one POP setting: one instance per factory configuration, registered with the setting's
 * {@value PopSettings#ID_PROPERTY} (DS publishes the configuration's public properties; {@code .password}, a
 * private dotted name, is not published). Checks at the setting's interval on its own daemon thread
 * {@code mfp-pop-<id>}, the first 10 seconds after activation; a manual {@link #poll()} or {@link #test()} and a
 * scheduled check never run at once.
 *
 * <p>A configuration that does not pass {@link SettingsCodec#check(PopSettings)} still registers the mailbox, so the
 * UIs can show why: {@link #poll()} and {@link #test()} then answer {@code not_configured} with the field, and
 * nothing is scheduled. A failed check (network, sign-in) is logged and tried again at the next interval; it never
 * marks anything invalid (whether a token is invalid is the token service's verdict).
 */
// Immediate: the mailbox is checked on its schedule whether or not anyone holds the service (a delayed component
// would be deactivated, and stop polling, as soon as its last user let go of it).
@Component(service = PopMailbox.class, configurationPid = PopSettings.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = PopConfig.class, factory = true)
public final class PopMailboxComponent implements PopMailbox {
    static final long FIRST_CHECK_SECONDS = 10;
    private static final long STOP_SECONDS = 5;

    /** One reading of the configuration: the checked settings, or why there are none. */
    private record Reading(String id, PopSettings settings, String problem) {
    }

    /** A bound receiver with what orders and selects it. */
    private record Receiver(MailReceiver service, long serviceId, int ranking, Object popIds) {
        static Receiver of(MailReceiver service, Map<String, ?> properties) {
            Object id = properties.get(Constants.SERVICE_ID);
            Object ranking = properties.get(Constants.SERVICE_RANKING);
            return new Receiver(service, id instanceof Long ? (Long) id : -1,
                    ranking instanceof Integer ? (Integer) ranking : 0, properties.get(PopSettings.ID_PROPERTY));
        }

        /** Without a {@code pop.id} property a receiver takes every setting's messages. */
        boolean appliesTo(String popId) {
            if (popIds == null) {
                return true;
            }
            if (popIds instanceof String[]) {
                return List.of((String[]) popIds).contains(popId);
            }
            if (popIds instanceof Collection) {
                return ((Collection<?>) popIds).contains(popId);
            }
            return popIds.toString().equals(popId);
        }

        boolean same(Receiver other) {
            return service == other.service && serviceId == other.serviceId;
        }
    }

    /** Service ranking order: highest ranking first, then the oldest service. */
    private static final Comparator<Receiver> RANKING_ORDER = Comparator.comparingInt(Receiver::ranking).reversed()
            .thenComparingLong(Receiver::serviceId);

    private final Path mailFolder;
    private final TokenService tokens;
    private final DeviceTrust trust;
    private final MailSecrets secrets;
    private final Log log;
    private final ReentrantLock checking = new ReentrantLock();
    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean noReceiverLogged = new AtomicBoolean();
    private volatile Reading reading;
    private volatile MailboxCheck running;
    private volatile PollResult last;
    private volatile boolean stopped;
    /** Guarded by this. */
    private ScheduledExecutorService executor;
    /** Guarded by this. */
    private ScheduledFuture<?> scheduled;

    @Activate
    public PopMailboxComponent(Map<String, Object> properties, BundleContext context, @Reference TokenService tokens,
            @Reference DeviceTrust trust, @Reference MailSecrets secrets,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(properties, DataFolder.mail(context), tokens, trust, secrets, Log.of(logger));
    }

    PopMailboxComponent(Map<String, ?> properties, Path mailFolder, TokenService tokens, DeviceTrust trust,
            MailSecrets secrets, Log log) {
        this.mailFolder = mailFolder;
        this.tokens = tokens;
        this.trust = trust;
        this.secrets = secrets;
        this.log = log;
        this.reading = read(properties);
    }

    /** Runs after DS bound the receivers present at start: removes what a stopped device left, starts checking. */
    @Activate
    void activate() {
        Reading current = reading;
        report(current);
        removeLeftovers(current.id());
        String name = "mfp-pop-" + (current.id() == null ? "unnamed" : current.id());
        synchronized (this) {
            executor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
            schedule();
        }
    }

    /** A changed setting applies from the next check, which comes 10 seconds later and then at the new interval. */
    @Modified
    void modified(Map<String, Object> properties) {
        Reading next = read(properties);
        reading = next;
        report(next);
        synchronized (this) {
            schedule();
        }
    }

    /** Stops checking; a check in progress is ended by closing its connection, which leaves every message there. */
    @Deactivate
    void deactivate() {
        stopped = true;
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = executor;
            schedule();
        }
        MailboxCheck check = running;
        if (check != null) {
            check.abort();
        }
        if (stopping != null) {
            stopping.shutdownNow();
            try {
                if (!stopping.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("POP " + id() + ": a receiver still holds the check; it ends on its own.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addReceiver(MailReceiver receiver, Map<String, Object> properties) {
        receivers.add(Receiver.of(receiver, properties));
        noReceiverLogged.set(false);
    }

    void updatedReceiver(MailReceiver receiver, Map<String, Object> properties) {
        Receiver updated = Receiver.of(receiver, properties);
        receivers.replaceAll(r -> r.same(updated) ? updated : r);
    }

    void removeReceiver(MailReceiver receiver, Map<String, Object> properties) {
        Receiver gone = Receiver.of(receiver, properties);
        receivers.removeIf(r -> r.same(gone));
    }

    @Override
    public String id() {
        return reading.id();
    }

    @Override
    public TestResult test() {
        Reading current = reading;
        if (current.settings() == null) {
            return TestResult.failed(MailFailure.NOT_CONFIGURED, notConfigured(current), null);
        }
        checking.lock();
        try {
            MailboxCheck check = start(current.settings());
            try {
                return check.test();
            } finally {
                running = null;
            }
        } finally {
            checking.unlock();
        }
    }

    @Override
    public PollResult poll() {
        checking.lock();
        try {
            PollResult result = check(reading);
            last = result;
            return result;
        } finally {
            checking.unlock();
        }
    }

    @Override
    public PollResult lastPoll() {
        return last;
    }

    private PollResult check(Reading current) {
        if (current.settings() == null) {
            PollResult result = new PollResult();
            result.at = System.currentTimeMillis();
            result.code = MailFailure.NOT_CONFIGURED.code();
            result.message = notConfigured(current);
            return result;
        }
        String id = current.id();
        List<MailReceiver> applicable = receivers.stream().filter(r -> r.appliesTo(id)).sorted(RANKING_ORDER)
                .map(Receiver::service).toList();
        if (applicable.isEmpty() && noReceiverLogged.compareAndSet(false, true)) {
            log.warn("POP " + id + ": no mail receiver is installed; messages stay on the server until one is.");
        }
        MailboxCheck check = start(current.settings());
        try {
            return check.run(applicable);
        } finally {
            running = null;
        }
    }

    /** A check, published so that {@link #deactivate()} can end it. */
    private MailboxCheck start(PopSettings settings) {
        MailboxCheck check = new MailboxCheck(settings, mailFolder, tokens, trust, secrets, log);
        running = check;
        if (stopped) {
            check.abort();
        }
        return check;
    }

    private void scheduledCheck() {
        try {
            poll();
        } catch (Throwable e) { // NOPMD: anything thrown out of here would end the schedule for good
            log.warn("POP " + id() + ": the check failed unexpectedly; the next interval tries again: " + e);
        }
    }

    /** (Re)schedules the checks for the current reading; none when stopped, disabled or not configured. */
    private void schedule() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        PopSettings settings = reading.settings();
        if (executor == null || stopped || settings == null || !settings.enabled) {
            return;
        }
        scheduled = executor.scheduleWithFixedDelay(this::scheduledCheck, FIRST_CHECK_SECONDS,
                settings.checkIntervalMinutes * 60L, TimeUnit.SECONDS);
    }

    private void report(Reading current) {
        PopSettings s = current.settings();
        if (s == null) {
            log.warn("POP " + current.id() + " is not checked: " + current.problem());
        } else if (!s.enabled) {
            log.info("POP " + s.id + " is disabled: checked only when asked to.");
        } else {
            log.info("POP " + s.id + ": checking " + s.server + ":" + s.port + " every " + s.checkIntervalMinutes
                    + " minutes.");
        }
    }

    /** Temporary files of this setting that a stopped device left behind. */
    private void removeLeftovers(String id) {
        Path folder = MailboxCheck.tempFolder(mailFolder);
        if (id == null || !Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, MailboxCheck.tempPrefix(id) + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.warn("POP " + id + ": cannot remove old temporary files in " + folder + ": " + e.getMessage());
        }
    }

    private static Reading read(Map<String, ?> properties) {
        Object id = properties.get(PopSettings.ID_PROPERTY);
        try {
            PopSettings settings = SettingsCodec.pop(properties);
            SettingsCodec.check(settings);
            return new Reading(settings.id, settings, null);
        } catch (SettingsException e) {
            return new Reading(id == null ? null : id.toString(), null, e.getMessage());
        }
    }

    private static String notConfigured(Reading current) {
        return "POP setting " + current.id() + ": " + current.problem() + ". " + MailFailure.NOT_CONFIGURED.advice();
    }
}
