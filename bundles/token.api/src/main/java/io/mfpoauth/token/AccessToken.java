package io.mfpoauth.token;

import java.util.Objects;

/**
 * An access token handed to an authenticator. {@link #value()} is the secret: pass it to the SASL mechanism and
 * nowhere else. {@link #toString()} never shows it.
 */
public final class AccessToken {
    private final Slot slot;
    private final String account;
    private final String value;
    private final long expiresAt;

    public AccessToken(Slot slot, String account, String value, long expiresAt) {
        this.slot = Objects.requireNonNull(slot, "slot");
        this.account = Objects.requireNonNull(account, "account");
        this.value = Objects.requireNonNull(value, "value");
        this.expiresAt = expiresAt;
    }

    /** The slot the token belongs to. */
    public Slot slot() {
        return slot;
    }

    /** The mailbox to sign in as ({@code user=} of XOAUTH2, {@code a=} of OAUTHBEARER). */
    public String account() {
        return account;
    }

    /** The bearer token itself. Secret. */
    public String value() {
        return value;
    }

    /** When it expires, milliseconds since the epoch (an estimate by the device's clock). */
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken && ((AccessToken) o).value.equals(value) && ((AccessToken) o).slot.equals(slot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(slot, value);
    }

    @Override
    public String toString() {
        return "AccessToken[slot=" + slot + ", account=" + account + ", expiresAt=" + expiresAt + ", value=<hidden>]";
    }
}
