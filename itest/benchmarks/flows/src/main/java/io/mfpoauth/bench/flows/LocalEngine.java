package io.mfpoauth.bench.flows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.mfpoauth.token.service.internal.EngineSettings;
import io.mfpoauth.token.service.internal.Log;
import io.mfpoauth.token.service.internal.TaskScheduler;
import io.mfpoauth.token.service.internal.Ticker;
import io.mfpoauth.token.service.internal.TokenEngine;
import io.mfpoauth.token.service.internal.http.HttpSettings;
import io.mfpoauth.token.service.internal.http.JdkOAuthHttp;
import io.mfpoauth.token.service.internal.store.EncryptedFileStore;
import io.mfpoauth.token.service.internal.store.FileKeyProvider;
import io.mfpoauth.token.service.internal.store.TokenRecord;

/**
 * The token service's engine as its component builds it, without the framework: the real encrypted store in a
 * fresh folder, the real JDK HTTP client, and a two-thread scheduler like the component's. Records given to
 * {@link #start} are stored first and loaded by {@code open()}, as after a restart of the device.
 */
final class LocalEngine implements AutoCloseable {
    final TokenEngine engine;
    private final Path folder;
    private final ScheduledThreadPoolExecutor timers;
    private final JdkOAuthHttp http;
    private final EncryptedFileStore store;

    private LocalEngine(Path folder, Ticker ticker, TokenRecord... seeds) throws IOException {
        this.folder = folder;
        FileKeyProvider keys = new FileKeyProvider(folder.resolve("device.key"));
        store = new EncryptedFileStore(folder.resolve("tokens"), keys);
        for (TokenRecord seed : seeds) {
            store.save(seed);
        }
        AtomicInteger count = new AtomicInteger();
        timers = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "bench-token-timer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        TaskScheduler scheduler = (work, delayNanos) -> {
            var f = timers.schedule(work, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        http = new JdkOAuthHttp(HttpSettings.defaults());
        engine = new TokenEngine(EngineSettings.defaults(), store, http, ticker, scheduler, status -> {
        }, Log.NONE);
        engine.open();
    }

    static LocalEngine start(String name, Ticker ticker, TokenRecord... seeds) throws IOException {
        return new LocalEngine(Files.createTempDirectory("bench-" + name + "-"), ticker, seeds);
    }

    @Override
    public void close() throws IOException {
        engine.close();
        timers.shutdownNow();
        http.close();
        store.close();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
