package io.mfpoauth.token.service.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production scheduler: a small pool of daemon threads, stopped with the component. Two threads, so one slot
 * waiting on a slow provider does not hold up the polls of another.
 */
final class ExecutorScheduler implements TaskScheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;

    ExecutorScheduler(int threads, String namePrefix) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, namePrefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ScheduledThreadPoolExecutor(threads, factory);
        // Cancelled refreshes would otherwise sit in the queue until their (hour-long) delay ends.
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Task schedule(Runnable work, long delayNanos) {
        ScheduledFuture<?> f = executor.schedule(work, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
