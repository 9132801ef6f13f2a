package io.mfpoauth.token.service.internal;

import io.mfpoauth.token.TokenStatus;

/** Receives every new status of a slot; the component posts it on the EventAdmin. */
@FunctionalInterface
public interface StatusSink {
    void changed(TokenStatus status);
}
