package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.ServerSettings;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;
import io.nayuki.qrcodegen.DataTooLongException;

/** The token slots: their status, Get Token (start, complete, cancel), Delete, and the QR code of the device flow. */
final class TokenApi {
    private final Backends backends;

    TokenApi(Backends backends) {
        this.backends = backends;
    }

    void routes(Router<Handler> router) {
        router.add("GET", "/tokens", call -> Reply.ok(Views.tokenStatuses(backends.tokens().statuses())))
                .add("GET", "/tokens/{slot}", call -> Reply.ok(Views.tokenStatus(backends.tokens().status(slot(call)))))
                .add("DELETE", "/tokens/{slot}", call -> Reply.ok(Views.tokenStatus(backends.tokens().delete(slot(call)))))
                .add("POST", "/tokens/{slot}/retrieval", this::startRetrieval)
                .add("DELETE", "/tokens/{slot}/retrieval",
                        call -> Reply.ok(Views.tokenStatus(backends.tokens().cancelRetrieval(slot(call)))))
                .add("POST", "/tokens/{slot}/retrieval/complete", this::completeRetrieval)
                .add("GET", "/tokens/{slot}/qr.svg", this::qrCode);
    }

    /** Get Token with the provider and account of the slot's setting → 202 with the status. */
    private Reply startRetrieval(Call call) throws ApiException {
        Slot slot = slot(call);
        MailSettings settings = backends.mailSettings();
        ServerSettings setting = slot.equals(Slot.smtp()) ? settings.smtp() : settings.pop(popId(slot));
        if (setting == null) {
            throw ApiException.notFound();
        }
        String what = slot.equals(Slot.smtp()) ? "The SMTP setting" : "The POP setting " + popId(slot);
        AuthMethod method = setting.authMethod;
        String provider = setting.provider;
        String account = setting.account;
        if (method != AuthMethod.OAUTH2) {
            throw ApiException.conflict(what + " does not use OAuth 2.0: choose oauth2 as its authentication method");
        }
        if (blank(provider) || blank(account)) {
            throw ApiException.conflict(what + " has no " + (blank(provider) ? "provider" : "account")
                    + ": set it before Get Token");
        }
        try {
            return Reply.of(202, Views.tokenStatus(backends.tokens().startRetrieval(slot, provider, account)));
        } catch (TokenException e) {
            throw failure(e);
        }
    }

    /** {@code {"redirectUrl"}}: the address a browser sign-in ended on, pasted back → the status. */
    private Reply completeRetrieval(Call call) throws ApiException, IOException {
        Slot slot = slot(call);
        ObjectNode body = call.json();
        String redirectUrl = Json.text(body, "redirectUrl");
        if (blank(redirectUrl)) {
            throw ApiException.badRequest("redirectUrl", "is required");
        }
        try {
            return Reply.ok(Views.tokenStatus(backends.tokens().completeRetrieval(slot, redirectUrl)));
        } catch (TokenException e) {
            throw failure(e);
        }
    }

    /** The verification address of a device-flow sign-in as a QR code; 404 when none is awaited. */
    private Reply qrCode(Call call) throws ApiException {
        TokenStatus status = backends.tokens().status(slot(call));
        PendingAuthorization pending = status.authorization;
        if (status.state != TokenState.AWAITING_AUTHORIZATION || pending == null || pending.flow == Flow.AUTHORIZATION_CODE) {
            throw ApiException.notFound();
        }
        String address = blank(pending.verificationUriComplete) ? pending.verificationUri : pending.verificationUriComplete;
        if (blank(address)) {
            throw ApiException.notFound();
        }
        return qrReply(address);
    }

    /**
     * The SVG of {@code address}; 404 when it is too long for any QR code: the page then shows the address alone,
     * and nothing on the device failed (no error logged, no 500).
     */
    static Reply qrReply(String address) throws ApiException {
        try {
            return Reply.content(QrSvg.CONTENT_TYPE, QrSvg.render(address));
        } catch (DataTooLongException e) {
            throw ApiException.notFound();
        }
    }

    /**
     * The slot of the path: 404 when it is not a slot name, or names a POP setting that neither exists nor has a
     * token any more.
     */
    private Slot slot(Call call) throws ApiException {
        return knownSlot(call.parameter("slot"));
    }

    Slot knownSlot(String name) throws ApiException {
        Slot slot;
        try {
            slot = Slot.parse(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound();
        }
        if (slot.equals(Slot.smtp())) {
            return slot;
        }
        MailSettings settings;
        try {
            settings = backends.mailSettings();
        } catch (ApiException mailNotInstalled) {
            settings = null;
        }
        if (settings != null && settings.pop(popId(slot)) != null) {
            return slot;
        }
        if (backends.tokens().statuses().stream().anyMatch(s -> slot.name().equals(s.slot))) {
            return slot;
        }
        throw ApiException.notFound();
    }

    /**
     * How a refused token operation is answered:
     * <ul>
     * <li>400 naming the field for what the administrator typed wrong: {@code bad_account} (the setting's account),
     * {@code state_mismatch} (the pasted redirect address);</li>
     * <li>502 {@code {"error":<code>,"message"}} when the provider could not be reached or answered badly (the
     * error is {@code transient}: trying later may work without changing anything);</li>
     * <li>503 when the token service is stopping;</li>
     * <li>409 {@code {"error":"conflict","code","message"}} for everything else: the request conflicts with the state
     * of the device or the provider's settings (provider not installed, flow not supported, no retrieval to
     * complete, the provider refusing the client id or scope).</li>
     * </ul>
     */
    static ApiException failure(TokenException e) {
        String code = e.code();
        if (TokenException.BAD_ACCOUNT.equals(code)) {
            return ApiException.badRequest("account", e.getMessage());
        }
        if (TokenError.STATE_MISMATCH.equals(code)) {
            return ApiException.badRequest("redirectUrl", e.getMessage());
        }
        if (TokenException.STOPPED.equals(code)) {
            return ApiException.unavailable(e.getMessage());
        }
        if (e.retryable()) {
            return ApiException.of(502, code, e.getMessage());
        }
        ApiException conflict = ApiException.conflict(e.getMessage());
        conflict.body().put("code", code);
        return conflict;
    }

    private static String popId(Slot slot) {
        return slot.name().substring("pop-".length());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
