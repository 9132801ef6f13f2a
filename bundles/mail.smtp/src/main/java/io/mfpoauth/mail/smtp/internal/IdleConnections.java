package io.mfpoauth.mail.smtp.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Signed-in SMTP connections kept open for a short time after a send, so a burst of messages (a scan batch, a fax
 * run) signs in once instead of once per message: providers check the token on every AUTH, and Exchange Online
 * limits the connection rate per mailbox.
 *
 * <p>Kept connections count against the connection limit: Exchange Online counts every open connection of the
 * mailbox, idle or not, and refuses the fourth. They do not hold a sender's permit, though: a sender that finds no
 * kept connection for its settings closes the oldest kept one before opening its own, so the number of open
 * connections, busy and kept, never exceeds the limit and no sender waits for a connection nobody uses.
 *
 * <p>Each kept connection has one scheduled close on a single timer thread, which ends itself when nothing is
 * scheduled.
 */
final class IdleConnections {
    private record Kept(SmtpConnection connection, Object owner, ScheduledFuture<?> expiry) {
    }

    private final int limit;
    private final ScheduledThreadPoolExecutor timer;
    /** Oldest first. Guarded by this, like the two fields below. */
    private final Deque<Kept> kept = new ArrayDeque<>();
    /** Connections open and in a sender's hands. */
    private int busy;
    /** Connections being closed (QUIT sent, the reply not yet read): still open at the server. */
    private int closing;
    private boolean shut;

    IdleConnections(int limit) {
        this.limit = limit;
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "mfp-smtp-idle");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /**
     * A kept connection opened by {@code owner} and signed in with the token of {@code tokenDigest} (null: no token),
     * now the caller's; null when there is none. The owner's connections signed in with another token are closed:
     * the token service hands that token no more, so they would only hold a place.
     */
    SmtpConnection take(Object owner, byte[] tokenDigest) {
        SmtpConnection found = null;
        List<SmtpConnection> outdated = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Kept> i = kept.descendingIterator(); i.hasNext();) {
                Kept k = i.next();
                if (k.owner() != owner) {
                    continue;
                }
                boolean same = k.connection().signedInWith(tokenDigest);
                if (same && found != null) {
                    continue;
                }
                i.remove();
                k.expiry().cancel(false);
                if (same) {
                    found = k.connection();
                    busy++;
                } else {
                    outdated.add(k.connection());
                    closing++;
                }
            }
        }
        outdated.forEach(this::closeCounted);
        return found;
    }

    /**
     * Counts a connection the caller is about to open once there is room for it: it closes the oldest kept
     * connection while there is none, and waits only while another thread's QUIT is under way.
     */
    void reserve() throws InterruptedException {
        while (true) {
            SmtpConnection evicted;
            synchronized (this) {
                // The caller holds a sender's permit, so at most limit - 1 others are busy: room comes by closing.
                if (busy + closing + kept.size() < limit) {
                    busy++;
                    return;
                }
                Kept oldest = kept.pollFirst();
                if (oldest == null) {
                    wait();
                    continue;
                }
                oldest.expiry().cancel(false);
                closing++;
                evicted = oldest.connection();
            }
            closeCounted(evicted);
        }
    }

    /** The caller's connection (null: opening it failed) is closed; it no longer counts once it is. */
    void discard(SmtpConnection connection) {
        synchronized (this) {
            busy--;
            if (connection == null) {
                notifyAll();
                return;
            }
            closing++;
        }
        closeCounted(connection);
    }

    /** Keeps the caller's connection for {@code idle}; closes it if that is zero or the pool is shut. */
    void keep(SmtpConnection connection, Object owner, Duration idle) {
        synchronized (this) {
            if (!shut && !idle.isZero() && !idle.isNegative()) {
                busy--;
                // Scheduled under the lock, so the expiry cannot run before the entry is there to find.
                ScheduledFuture<?> expiry = timer.schedule(() -> expire(connection), idle.toMillis(),
                        TimeUnit.MILLISECONDS);
                kept.addLast(new Kept(connection, owner, expiry));
                return;
            }
        }
        discard(connection);
    }

    /** Closes every kept connection, e.g. because the settings changed and none of them will match again. */
    void closeIdle() {
        List<SmtpConnection> all = new ArrayList<>();
        synchronized (this) {
            for (Kept k : kept) {
                k.expiry().cancel(false);
                all.add(k.connection());
            }
            kept.clear();
            closing += all.size();
        }
        all.forEach(this::closeCounted);
    }

    /** Closes every kept connection and stops the timer; connections busy now are closed when their send ends. */
    void shutdown() {
        synchronized (this) {
            shut = true;
        }
        closeIdle();
        timer.shutdownNow();
    }

    synchronized boolean hasKept() {
        return !kept.isEmpty();
    }

    /** Connections open now: busy, kept and closing. */
    synchronized int open() {
        return busy + closing + kept.size();
    }

    private void expire(SmtpConnection connection) {
        synchronized (this) {
            if (!kept.removeIf(k -> k.connection() == connection)) {
                return;
            }
            closing++;
        }
        closeCounted(connection);
    }

    /** Closes a connection counted as closing, then lets a waiting sender use the room. */
    private void closeCounted(SmtpConnection connection) {
        try {
            MailClassLoader.call(() -> {
                connection.close();
                return null;
            });
        } finally {
            synchronized (this) {
                closing--;
                notifyAll();
            }
        }
    }
}
