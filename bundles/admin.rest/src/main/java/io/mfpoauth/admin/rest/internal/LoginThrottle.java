package io.mfpoauth.admin.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Slows down password guessing per client address: after {@value #FREE_FAILURES} wrong passwords, each further
 * attempt must wait 1 s after the last failure, doubling with every failure up to 5 minutes. A waiting client is
 * answered at once (429 with Retry-After): no request thread ever sleeps. A right password forgets the address.
 * An attempt is counted as a failure when it starts ({@link #reserve}), in the same step that checks the wait, and
 * forgotten only if the password was right: parallel requests cannot all pass the check while the slow password
 * hash of the first is still running. Times come from a monotonic clock (nanoseconds).
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final long FIRST_DELAY_MILLIS = 1_000;
    static final long MAX_DELAY_MILLIS = TimeUnit.MINUTES.toMillis(5);
    /** Addresses remembered at once; the one not heard from the longest is forgotten first. */
    private static final int MAX_ADDRESSES = 1024;

    private record Failures(int count, long lastNanos) {
    }

    private final Map<String, Failures> failures = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** How long {@code address} must still wait before its next attempt, in milliseconds; 0 when it may try now. */
    synchronized long waitMillis(String address, long nowNanos) {
        Failures known = failures.get(address);
        if (known == null || known.count < FREE_FAILURES) {
            return 0;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(nowNanos - known.lastNanos);
        return Math.max(0, delayMillis(known.count) - elapsed);
    }

    /**
     * Takes an attempt for {@code address}: the milliseconds it must still wait (nothing counted), or 0 when it may
     * try now, and then the attempt already counts as a failure until {@link #succeeded} says otherwise.
     */
    synchronized long reserve(String address, long nowNanos) {
        long wait = waitMillis(address, nowNanos);
        if (wait == 0) {
            failed(address, nowNanos);
        }
        return wait;
    }

    /** A wrong password from {@code address}. */
    synchronized void failed(String address, long nowNanos) {
        Failures known = failures.get(address);
        failures.put(address, new Failures(known == null ? 1 : known.count + 1, nowNanos));
    }

    /** A right password from {@code address}: it starts afresh. */
    synchronized void succeeded(String address) {
        failures.remove(address);
    }

    /** The wait after {@code count} failures: 1 s after the fifth, 2 s after the sixth, ..., at most 5 minutes. */
    static long delayMillis(int count) {
        if (count < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(count - FREE_FAILURES, 30);
        return Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS);
    }
}
