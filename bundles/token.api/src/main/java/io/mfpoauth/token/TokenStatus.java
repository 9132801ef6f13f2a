package io.mfpoauth.token;

import org.osgi.dto.DTO;

/**
 * The status of one token slot, as every setting screen shows it. A snapshot: it never changes once made, and it
 * never holds an access or refresh token.
 */
public class TokenStatus extends DTO {
    /** The slot's name: {@code smtp} or {@code pop-<id>}. */
    public String slot;
    /** The id of the provider the token is (being) obtained from, or null when none was chosen. */
    public String provider;
    /** Whether that provider is installed now; a slot keeps its token while its provider is away. */
    public boolean providerAvailable;
    /** The account (mailbox address) the token is for, or null. */
    public String account;
    /** The state the token display shows. */
    public TokenState state;
    /** When the token was obtained, milliseconds since the epoch; 0 if never. */
    public long retrievedAt;
    /** When the current access token expires, milliseconds since the epoch; 0 if there is none. */
    public long expiresAt;
    /** The last error, or null. A transient error leaves {@link #state} unchanged. */
    public TokenError error;
    /** While {@link TokenState#AWAITING_AUTHORIZATION}: what the administrator must do; otherwise null. */
    public PendingAuthorization authorization;
    /** Counts the changes of this slot since the service started, so a UI can drop a stale event. */
    public long revision;
}
