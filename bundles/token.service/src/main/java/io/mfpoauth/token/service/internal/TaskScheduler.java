package io.mfpoauth.token.service.internal;

/**
 * Runs the service's timed work (device-flow polls, refreshes, retries) on one shared pool, never a thread per
 * slot. Tests use a manual implementation driven by a fake {@link Ticker}.
 */
public interface TaskScheduler {

    /** A scheduled task that can be cancelled; cancelling a task that already ran does nothing. */
    interface Task {
        void cancel();
    }

    /** Runs {@code work} once, {@code delayNanos} from now (0 or less: as soon as possible). */
    Task schedule(Runnable work, long delayNanos);
}
