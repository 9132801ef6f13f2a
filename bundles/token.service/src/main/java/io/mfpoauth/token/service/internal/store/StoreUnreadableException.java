package io.mfpoauth.token.service.internal.store;

import java.io.IOException;

/**
 * A slot's record exists but cannot be read, decrypted or parsed. The file is left in place so nothing is lost
 * that a fixed key could still read; the next save of the slot replaces it. The message names the slot and the
 * reason, never the file's contents.
 */
public class StoreUnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String slot;

    public StoreUnreadableException(String slot, String reason) {
        this(slot, reason, null);
    }

    public StoreUnreadableException(String slot, String reason, Throwable cause) {
        super("The stored token of slot '" + slot + "' cannot be read: " + reason
                + "; Get Token again to replace it", cause);
        this.slot = slot;
    }

    /** The slot whose record is unreadable. */
    public String slot() {
        return slot;
    }
}
