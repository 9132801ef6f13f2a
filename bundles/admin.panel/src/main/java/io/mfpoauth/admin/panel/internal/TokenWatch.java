package io.mfpoauth.admin.panel.internal;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

/**
 * Follows one slot's status live: an EventAdmin {@link EventHandler} for the token service's status events,
 * registered for as long as a command (or a panel screen) watches, feeding a queue the watcher blocks on. No polling:
 * the watcher sleeps until the next change or its deadline. Changes older than the last one seen (by the slot's
 * {@code revision}) are dropped, so the status a call returned is never followed by a stale event.
 */
final class TokenWatch implements EventHandler, AutoCloseable {

    /** Registers an event handler with the framework until the returned registration is closed. */
    @FunctionalInterface
    interface Handlers {
        Registration register(EventHandler handler, Map<String, Object> properties);
    }

    /** A registration that ends without a checked exception. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** The revision of a status rebuilt from an event's plain properties: always news, orders nothing. */
    private static final long UNKNOWN_REVISION = Long.MIN_VALUE;

    private final Slot slot;
    private final BlockingQueue<TokenStatus> changes = new LinkedBlockingQueue<>();
    private final Registration registration;
    private long lastRevision = -1;

    private TokenWatch(Slot slot, Handlers handlers) {
        this.slot = slot;
        this.registration = handlers.register(this, Map.of(
                EventConstants.EVENT_TOPIC, TokenEvents.TOPIC,
                EventConstants.EVENT_FILTER, "(" + TokenEvents.SLOT + "=" + slot.name() + ")"));
    }

    /** Starts watching; open it before the call that changes the slot, so that no change is missed. */
    static TokenWatch open(Slot slot, Handlers handlers) {
        return new TokenWatch(slot, handlers);
    }

    Slot slot() {
        return slot;
    }

    @Override
    public void handleEvent(Event event) {
        if (!slot.name().equals(event.getProperty(TokenEvents.SLOT))) {
            return;
        }
        Object status = event.getProperty(TokenEvents.STATUS);
        changes.offer(status instanceof TokenStatus ? (TokenStatus) status : fromProperties(event));
    }

    /** The status a call returned: later events at or below its revision are not news. */
    void seen(TokenStatus status) {
        lastRevision = Math.max(lastRevision, status.revision);
    }

    /**
     * The next change of the slot, waiting at most {@code timeoutMillis}.
     *
     * @return the new status, or null when none came in time
     * @throws InterruptedException when the watching thread is interrupted (Ctrl-C in a Gogo job)
     */
    TokenStatus next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        while (true) {
            TokenStatus status = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (status == null) {
                return null;
            }
            if (status.revision == UNKNOWN_REVISION) {
                return status;
            }
            if (status.revision > lastRevision) {
                seen(status);
                return status;
            }
        }
    }

    /** Whether a retrieval has ended: the slot left Awaiting authorization. */
    static boolean finished(TokenStatus status) {
        return status.state != TokenState.AWAITING_AUTHORIZATION;
    }

    @Override
    public void close() {
        registration.close();
    }

    /** An event whose {@code status} is missing: rebuilt from the plain properties (no revision: never dropped). */
    private TokenStatus fromProperties(Event event) {
        TokenStatus status = new TokenStatus();
        status.slot = slot.name();
        status.state = TokenState.valueOf((String) event.getProperty(TokenEvents.STATE));
        status.provider = (String) event.getProperty(TokenEvents.PROVIDER);
        status.account = (String) event.getProperty(TokenEvents.ACCOUNT);
        status.providerAvailable = true;
        Object code = event.getProperty(TokenEvents.ERROR_CODE);
        if (code != null) {
            status.error = new TokenError();
            status.error.code = code.toString();
            status.error.message = "see mfp:tokens";
        }
        status.revision = UNKNOWN_REVISION;
        return status;
    }
}
