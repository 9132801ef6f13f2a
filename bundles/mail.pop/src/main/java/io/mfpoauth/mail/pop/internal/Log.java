package io.mfpoauth.mail.pop.internal;

import org.osgi.service.log.Logger;

/**
 * The few log calls of this bundle, so its classes are tested without a framework. Messages name settings, servers,
 * UIDLs and mapped failures: never a token, a SASL response or a password.
 */
interface Log {
    void info(String message);

    void warn(String message);

    /** The OSGi Logger behind it. */
    static Log of(Logger logger) {
        return new Log() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }
        };
    }
}
