package io.mfpoauth.token.service.internal;

import java.util.concurrent.CompletableFuture;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.service.internal.store.TokenRecord;

/**
 * Everything the engine knows of one slot. Fields are guarded by this object's lock, except the two volatile ones
 * that the lock-free paths read: the cached access token and the last published status.
 */
final class SlotState {
    final Slot slot;

    /** The stored token, or null. */
    TokenRecord record;
    /** The record is newer than the stored one: saving it failed and is retried before its token is used. */
    boolean unsaved;
    /** The renewed access token of an unsaved record, handed out once the record is stored. */
    Cached unsavedCached;
    /** Set when the stored record exists but cannot be read. */
    TokenError unreadable;
    /** The last error; transient ones leave the state as it is. */
    TokenError error;
    /** The Get Token in progress, or null. */
    Retrieval retrieval;
    /** Changes whenever the record is replaced or deleted, so a refresh that raced with it is discarded. */
    long generation;
    long revision;

    CompletableFuture<AccessToken> refreshing;
    TaskScheduler.Task refreshTask;
    int failures;
    /** Monotonic time before which no new refresh request is made (backoff after a failure). */
    long nextAttemptNanos;
    /** The token a forced refresh produced, to recognise a second rejection of a fresh token. */
    AccessToken lastForced;
    long lastForcedNanos;

    volatile Cached cached;
    volatile TokenStatus status;

    SlotState(Slot slot) {
        this.slot = slot;
    }

    void cancelRefreshTask() {
        if (refreshTask != null) {
            refreshTask.cancel();
            refreshTask = null;
        }
    }

    /** An access token in memory with its monotonic deadlines. */
    record Cached(AccessToken token, long refreshAtNanos, long expiresAtNanos) {
    }
}
