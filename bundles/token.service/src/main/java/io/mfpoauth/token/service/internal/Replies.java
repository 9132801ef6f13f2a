package io.mfpoauth.token.service.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;
import io.mfpoauth.token.spi.OAuthError;
import io.mfpoauth.token.spi.OAuthProvider;

/**
 * Reads the answers of token and device-authorization endpoints. Whatever a provider sends, the result is a
 * {@link Grant}, a {@link DeviceCode} or a classified {@link Failure}: never an exception, and never a message
 * that repeats a secret the device sent.
 */
final class Replies {

    /** The two device-flow answers that mean "keep polling" (RFC 8628 §3.5). */
    static final String AUTHORIZATION_PENDING = "authorization_pending";
    static final String SLOW_DOWN = "slow_down";

    private static final Set<String> DEVICE_FLOW_ENDS = Set.of("access_denied", "authorization_declined",
            "expired_token", "bad_verification_code");
    private static final int MAX_DESCRIPTION = 300;
    private static final long DEFAULT_LIFETIME_SECONDS = 3600;

    private Replies() {
    }

    /** The outcome of a token request: exactly one of the three is set. */
    record TokenAnswer(Grant grant, Failure failure, String pending) {
    }

    /**
     * @param secrets the secret values sent in the request, scrubbed from any text the provider sends back
     */
    static TokenAnswer token(HttpReply reply, OAuthProvider provider, String... secrets) {
        ObjectNode json = reply.json();
        if (json == null) {
            return new TokenAnswer(null, unreadable(reply, secrets), null);
        }
        if (json.hasNonNull("error")) {
            String error = errorCode(reply, secrets);
            if (AUTHORIZATION_PENDING.equals(error) || SLOW_DOWN.equals(error)) {
                return new TokenAnswer(null, null, error);
            }
            return new TokenAnswer(null, classify(reply, provider, secrets), null);
        }
        if (reply.status() / 100 != 2) {
            return new TokenAnswer(null, byStatus(reply, "answered HTTP " + reply.status() + " without an OAuth error"), null);
        }
        String access = reply.text("access_token");
        if (access == null || access.isBlank()) {
            return new TokenAnswer(null, malformed("the answer has no access_token"), null);
        }
        String type = reply.text("token_type");
        if (type != null && !type.equalsIgnoreCase("bearer")) {
            return new TokenAnswer(null, malformed("the token type is not Bearer"), null);
        }
        long expiresIn = reply.number("expires_in", DEFAULT_LIFETIME_SECONDS);
        String refresh = reply.text("refresh_token");
        return new TokenAnswer(new Grant(access, refresh == null || refresh.isBlank() ? null : refresh,
                Math.max(0, expiresIn), reply.text("scope")), null, null);
    }

    /** A device authorization answer (RFC 8628 §3.2), or the failure it amounts to. */
    record DeviceAnswer(DeviceCode code, Failure failure) {
    }

    static DeviceAnswer deviceCode(HttpReply reply, OAuthProvider provider, String... secrets) {
        ObjectNode json = reply.json();
        if (json == null) {
            return new DeviceAnswer(null, unreadable(reply, secrets));
        }
        if (json.hasNonNull("error")) {
            return new DeviceAnswer(null, classify(reply, provider, secrets));
        }
        if (reply.status() / 100 != 2) {
            return new DeviceAnswer(null, byStatus(reply, "answered HTTP " + reply.status() + " without an OAuth error"));
        }
        String deviceCode = reply.text("device_code");
        String userCode = reply.text("user_code");
        // Google's device endpoint says verification_url; RFC 8628 and Microsoft say verification_uri.
        String uri = reply.text("verification_uri") != null ? reply.text("verification_uri") : reply.text("verification_url");
        if (deviceCode == null || userCode == null || uri == null) {
            return new DeviceAnswer(null, malformed("the answer lacks device_code, user_code or verification_uri"));
        }
        if (!isWebAddress(uri)) {
            return new DeviceAnswer(null, malformed("the verification address is not an http(s) address"));
        }
        String complete = reply.text("verification_uri_complete");
        if (complete != null && !isWebAddress(complete)) {
            complete = null;
        }
        long expiresIn = clamp(reply.number("expires_in", 900), 30, 3600);
        long interval = clamp(reply.number("interval", 5), 1, 300);
        return new DeviceAnswer(new DeviceCode(deviceCode, clean(userCode, 64), uri, complete,
                clean(reply.text("message"), 500), expiresIn, interval), null);
    }

    /**
     * An answer that is not a JSON object: an HTML error page, an empty or oversized body. The problem quotes the
     * provider's Content-Type, which is the provider's text like any other: scrubbed of the secrets sent.
     */
    static Failure unreadable(HttpReply reply, String... secrets) {
        String problem = reply.problem() == null ? "unreadable" : scrub(reply.problem(), secrets);
        return byStatus(reply, "sent an answer that could not be read (" + problem + ")");
    }

    private static Failure byStatus(HttpReply reply, String what) {
        long retryAfter = reply.retryAfter().map(d -> d.toNanos()).orElse(0L);
        if (reply.status() == 429) {
            return new Failure(Kind.TRANSIENT, TokenError.RATE_LIMITED,
                    "The provider asks the device to slow down (HTTP 429); it will retry by itself.", retryAfter);
        }
        if (reply.status() >= 500) {
            return new Failure(Kind.TRANSIENT, TokenError.SERVER_ERROR,
                    "The provider is not available (HTTP " + reply.status() + "); the device will retry by itself.", retryAfter);
        }
        return new Failure(Kind.TRANSIENT, TokenError.MALFORMED_RESPONSE,
                "The provider " + what + "; the device will retry by itself.", retryAfter);
    }

    private static Failure malformed(String what) {
        return Failure.transientFault(TokenError.MALFORMED_RESPONSE,
                "The provider's answer is not valid: " + what + ". The device will retry by itself.");
    }

    private static Failure classify(HttpReply reply, OAuthProvider provider, String... secrets) {
        String error = errorCode(reply, secrets);
        String description = scrub(clean(reply.text("error_description"), MAX_DESCRIPTION), secrets);
        OAuthError oauthError = new OAuthError(reply.status(), error, description, errorCodes(reply.json()));
        ErrorVerdict verdict;
        try {
            verdict = provider.classify(oauthError);
        } catch (RuntimeException e) {
            // A provider bundle's bug must not decide a token's fate: fall back to the RFCs.
            verdict = ErrorVerdict.standard(oauthError);
        }
        if (verdict == null) {
            verdict = ErrorVerdict.standard(oauthError);
        }
        Kind kind = DEVICE_FLOW_ENDS.contains(error) ? Kind.GRANT_UNUSABLE : verdict.kind();
        String message = verdict.message() != null ? scrub(clean(verdict.message(), 600), secrets)
                : standardMessage(error, description);
        long retryAfter = reply.retryAfter().map(d -> d.toNanos()).orElse(0L);
        return new Failure(kind, error, message, retryAfter);
    }

    static String standardMessage(String error, String description) {
        String what;
        switch (error) {
            case "invalid_grant":
                what = "The provider no longer accepts this token: the account may be disabled, its password"
                        + " changed or the consent withdrawn. Delete the token and Get Token again.";
                break;
            case "interaction_required":
            case "consent_required":
            case "login_required":
                what = "The provider requires the account to sign in again. Delete the token and Get Token again.";
                break;
            case "invalid_client":
                what = "The provider does not accept the device's client id or secret: check the provider settings.";
                break;
            case "unauthorized_client":
                what = "The app registration does not allow this flow: check the provider settings.";
                break;
            case "invalid_scope":
                what = "The provider refused the requested scopes: check the provider settings.";
                break;
            case "access_denied":
            case "authorization_declined":
                what = "The sign-in was declined. Press Get Token to try again.";
                break;
            case "expired_token":
                what = "The code expired before the sign-in was completed. Press Get Token to try again.";
                break;
            case "bad_verification_code":
                what = "The provider did not recognise the device code. Press Get Token to try again.";
                break;
            case "temporarily_unavailable":
            case "server_error":
                what = "The provider is temporarily unavailable; the device will retry by itself.";
                break;
            default:
                what = "The provider refused the request.";
        }
        return what + " (" + error + (description == null || description.isEmpty() ? "" : ": " + description) + ")";
    }

    private static List<Long> errorCodes(ObjectNode json) {
        List<Long> codes = new ArrayList<>();
        JsonNode array = json.path("error_codes");
        if (array.isArray()) {
            for (JsonNode n : array) {
                if (n.canConvertToLong() && codes.size() < 10) {
                    codes.add(n.asLong());
                }
            }
        }
        return codes;
    }

    /**
     * The answer's {@code error}, made safe; a code that repeats a secret the device sent (compared in lower case,
     * as codes are) is no OAuth error code and must not be shown: it becomes {@code unknown_error}.
     */
    private static String errorCode(HttpReply reply, String... secrets) {
        String code = safeCode(reply.text("error"));
        for (String s : secrets) {
            if (s != null && s.length() >= 4 && code.contains(s.toLowerCase(Locale.ROOT))) {
                return "unknown_error";
            }
        }
        return code;
    }

    /** An OAuth error code is ASCII (RFC 6749 §5.2); anything else is cut down so it is safe to show and to log. */
    static String safeCode(String code) {
        if (code == null) {
            return "unknown_error";
        }
        StringBuilder b = new StringBuilder();
        for (char c : code.toCharArray()) {
            if (b.length() == 64) {
                break;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.') {
                b.append(c);
            }
        }
        return b.length() == 0 ? "unknown_error" : b.toString().toLowerCase(Locale.ROOT);
    }

    /** Drops control characters and cuts the text, so a provider cannot forge log lines or flood the display. */
    static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString().trim();
    }

    static String scrub(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, "<hidden>");
            }
        }
        return out;
    }

    private static boolean isWebAddress(String uri) {
        try {
            URI u = new URI(uri);
            String scheme = u.getScheme();
            return u.isAbsolute() && u.getHost() != null && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme));
        } catch (Exception e) {
            return false;
        }
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
