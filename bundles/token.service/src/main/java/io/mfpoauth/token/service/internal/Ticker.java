package io.mfpoauth.token.service.internal;

/**
 * The two clocks the service reads. Scheduling and expiry use {@link #nanoTime()}, which a jump of the wall
 * clock does not move; {@link #currentTimeMillis()} only stamps what is shown or stored.
 */
public interface Ticker {
    long nanoTime();

    long currentTimeMillis();

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };
}
