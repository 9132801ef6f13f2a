package io.mfpoauth.token.service.internal.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named {@code <prefix>N} that remember which of them are alive, so their owner's close() can
 * wait until every one has really ended instead of only asking them to.
 */
final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> alive = ConcurrentHashMap.newKeySet();

    NamedThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread[] self = new Thread[1];
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } finally {
                alive.remove(self[0]);
            }
        }, prefix + count.incrementAndGet());
        self[0] = thread;
        thread.setDaemon(true);
        alive.add(thread);
        return thread;
    }

    /** Whether the calling thread is one of these. */
    boolean isOwnThread() {
        return alive.contains(Thread.currentThread());
    }

    /**
     * Waits up to {@code timeout} in all for the threads to end, except the calling one (a thread cannot wait for
     * itself; it ends when it returns from the close() it is in).
     */
    void awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : alive) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                return;
            }
            try {
                thread.join(remainingMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
