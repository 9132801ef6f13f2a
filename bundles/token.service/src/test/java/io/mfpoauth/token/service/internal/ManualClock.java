package io.mfpoauth.token.service.internal;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A fake clock and scheduler: time moves only when the test says so, and due tasks run on the test's thread in
 * time order. No sleeps, so timing assertions are exact.
 */
final class ManualClock implements Ticker, TaskScheduler {
    private long nanos = 1_000_000_000_000L;
    private long wallMillis = 1_800_000_000_000L;
    private long sequence;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();

    private final class Entry implements Comparable<Entry>, Task {
        final long due;
        final long order = sequence++;
        final Runnable work;
        boolean cancelled;

        Entry(long due, Runnable work) {
            this.due = due;
            this.work = work;
        }

        @Override
        public int compareTo(Entry o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualClock.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return wallMillis;
    }

    @Override
    public synchronized Task schedule(Runnable work, long delayNanos) {
        Entry e = new Entry(nanos + Math.max(0, delayNanos), work);
        queue.add(e);
        return e;
    }

    /** Moves both clocks forward, running every task that falls due on the way, at its due time. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = nanos + d.toNanos();
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    wallMillis += (target - nanos) / 1_000_000;
                    nanos = target;
                    return;
                }
                queue.poll();
                wallMillis += (next.due - nanos) / 1_000_000;
                nanos = next.due;
            }
            next.work.run();
        }
    }

    /** Moves both clocks forward without running anything: for callers racing a timer that has not fired yet. */
    synchronized void skip(Duration d) {
        nanos += d.toNanos();
        wallMillis += d.toMillis();
    }

    /** Runs the tasks due now (scheduled with no delay). */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the wall clock alone, as an NTP correction or a wrong manual setting would. */
    synchronized void jumpWallClock(Duration d) {
        wallMillis += d.toMillis();
    }

    /** Nanoseconds since the clock was made, for reading poll times. */
    synchronized long elapsedSeconds(long atNanos) {
        return (atNanos - 1_000_000_000_000L) / 1_000_000_000L;
    }

    synchronized int pending() {
        return queue.size();
    }
}
