package io.mfpoauth.token;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device's OAuth 2.0 tokens for mail, one per {@link Slot}. The panel and web UIs bind to it to show states
 * and to run Get Token and Delete; the SMTP and POP authenticators ask it for access tokens. Every change of a
 * slot's status is also posted as an event ({@link TokenEvents}).
 *
 * <p>Only the administrator may call the changing operations; the UIs enforce that.
 */
@ProviderType
public interface TokenService {

    /** The current status of a slot (a slot never used shows {@link TokenState#NOT_RETRIEVED}). */
    TokenStatus status(Slot slot);

    /** The status of {@code smtp} and of every POP slot that holds or is obtaining a token, by slot name. */
    List<TokenStatus> statuses();

    /** The providers installed now. */
    List<ProviderDTO> providers();

    /**
     * The provider to propose for a mail server, as a mail client does it: the provider that lists the whole host
     * name among its mail hosts, else the one that lists it without its first label, and so on
     * ({@code smtp.office365.com}, then {@code office365.com}).
     *
     * @return the provider id, or null when no installed provider serves that host
     */
    String proposeProvider(String mailServerHost);

    /**
     * Get Token: starts obtaining a token for a slot from a provider for an account. The slot shows
     * {@link TokenState#AWAITING_AUTHORIZATION} with what the administrator must do next; a token the slot
     * already holds stays in use until the new one arrives. A retrieval already in progress for the slot is
     * replaced.
     *
     * @throws TokenException when the provider is missing, cannot serve the slot's protocol, or the first request
     *         to it fails (the status then shows the error too)
     */
    TokenStatus startRetrieval(Slot slot, String providerId, String account) throws TokenException;

    /**
     * Completes a browser (authorization code) retrieval with the address the browser was redirected to, when the
     * redirect did not reach the device's own listener. The {@code state} in it must be the one this retrieval
     * issued.
     *
     * @throws TokenException when there is no such retrieval, the state does not match, or the provider refuses
     */
    TokenStatus completeRetrieval(Slot slot, String redirectUrl) throws TokenException;

    /** Cancels a retrieval in progress; the slot returns to the state it had before. */
    TokenStatus cancelRetrieval(Slot slot);

    /**
     * Delete: erases the slot's token in any state, cancels a retrieval in progress and revokes the token at the
     * provider when it offers revocation (a failed revocation does not fail the delete). The slot then shows
     * {@link TokenState#NOT_RETRIEVED}.
     */
    TokenStatus delete(Slot slot);

    /**
     * A valid access token for the slot, refreshed first when it is about to expire. A cached valid token costs no
     * lock and no I/O; concurrent callers share one refresh.
     *
     * @throws TokenException when the slot has no usable token, or a refresh failed and the old token expired
     */
    AccessToken accessToken(Slot slot) throws TokenException;

    /**
     * A mail server rejected {@code rejected}: forces one refresh (shared by all callers who report the same
     * token) and returns the new token to try once more. Whether the slot becomes {@link TokenState#INVALID} is
     * decided by the provider's answer to that refresh, never by the mail server alone.
     *
     * @throws TokenException when no new token can be had
     */
    AccessToken rejected(AccessToken rejected) throws TokenException;
}
