package io.mfpoauth.token.service.internal;

/**
 * The few log calls the engine makes, so it can be tested without a framework; the component adapts it to the
 * OSGi Logger. Messages name slots, providers and error codes, never a token.
 */
public interface Log {
    void info(String message);

    void warn(String message, Throwable cause);

    void debug(String message);

    Log NONE = new Log() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message, Throwable cause) {
        }

        @Override
        public void debug(String message) {
        }
    };
}
