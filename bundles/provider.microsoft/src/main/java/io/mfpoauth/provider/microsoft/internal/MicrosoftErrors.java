package io.mfpoauth.provider.microsoft.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;
import io.mfpoauth.token.spi.OAuthError;

/**
 * Microsoft's error answers. Microsoft asks clients to act on the OAuth {@code error} field, so the kind comes
 * from it (RFC rules); the AADSTS number only refines the administrator's message, and moves the few codes that
 * are known to be settings or passing faults out of "grant unusable", so no token is thrown away for them.
 */
final class MicrosoftErrors {
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d{4,7})");

    private record Known(Kind kind, String message) {
    }

    private static final Map<Long, Known> KNOWN = Map.ofEntries(
            // Settings of the app registration or of the device: the administrator fixes them, the token stays.
            Map.entry(7000218L, new Known(Kind.CONFIGURATION, "The app registration does not allow public client"
                    + " flows: turn on 'Allow public client flows' in Entra ID (Authentication).")),
            Map.entry(700016L, new Known(Kind.CONFIGURATION, "The client id is not an app known to this tenant:"
                    + " check the client id and the tenant, or consent to the app in the tenant.")),
            Map.entry(7000215L, new Known(Kind.CONFIGURATION, "The client secret is wrong.")),
            Map.entry(7000222L, new Known(Kind.CONFIGURATION, "The client secret has expired: create a new one.")),
            Map.entry(70011L, new Known(Kind.CONFIGURATION, "A requested scope is not valid for this app.")),
            Map.entry(500011L, new Known(Kind.CONFIGURATION, "Exchange Online is not available in this tenant"
                    + " (resource principal not found).")),
            Map.entry(90002L, new Known(Kind.CONFIGURATION, "The tenant does not exist: check the tenant setting.")),
            Map.entry(50194L, new Known(Kind.CONFIGURATION, "The app is single-tenant: set the tenant to the"
                    + " tenant id or domain instead of 'common' or 'organizations'.")),
            // The grant cannot be used any more: the slot becomes Invalid.
            Map.entry(65001L, new Known(Kind.GRANT_UNUSABLE, "Consent to the app is missing: an administrator of the"
                    + " tenant must grant consent, then Get Token again.")),
            Map.entry(50057L, new Known(Kind.GRANT_UNUSABLE, "The account is disabled.")),
            Map.entry(50053L, new Known(Kind.GRANT_UNUSABLE, "The account is locked (too many sign-in attempts).")),
            Map.entry(50055L, new Known(Kind.GRANT_UNUSABLE, "The account's password has expired.")),
            Map.entry(700082L, new Known(Kind.GRANT_UNUSABLE, "The token expired after a long time without use"
                    + " (90 days): delete it and Get Token again.")),
            Map.entry(70043L, new Known(Kind.GRANT_UNUSABLE, "A Conditional Access policy requires signing in again"
                    + " (sign-in frequency): delete the token and Get Token again.")),
            Map.entry(50173L, new Known(Kind.GRANT_UNUSABLE, "The account's password was changed or its sessions"
                    + " revoked: delete the token and Get Token again.")),
            Map.entry(70008L, new Known(Kind.GRANT_UNUSABLE, "The token has expired or was revoked: delete it and"
                    + " Get Token again.")),
            Map.entry(50076L, new Known(Kind.GRANT_UNUSABLE, "Multi-factor authentication is required: delete the"
                    + " token and Get Token again.")),
            Map.entry(50079L, new Known(Kind.GRANT_UNUSABLE, "The account must register for multi-factor"
                    + " authentication, then Get Token again.")),
            // Passing faults at Microsoft: retried.
            Map.entry(50033L, new Known(Kind.TRANSIENT, "Microsoft had a passing sign-in fault; retrying.")),
            Map.entry(90024L, new Known(Kind.TRANSIENT, "Microsoft's directory is busy; retrying.")),
            Map.entry(90055L, new Known(Kind.TRANSIENT, "Too many requests to Microsoft; retrying.")));

    private MicrosoftErrors() {
    }

    static ErrorVerdict classify(OAuthError error) {
        ErrorVerdict standard = ErrorVerdict.standard(error);
        Long code = code(error);
        Known known = code == null ? null : KNOWN.get(code);
        if (known == null) {
            return standard;
        }
        String message = known.message() + " (AADSTS" + code + ")";
        Kind kind = known.kind();
        if (kind == Kind.GRANT_UNUSABLE && standard.kind() != Kind.GRANT_UNUSABLE) {
            // The error field wins (Microsoft's guidance): a known grant code under a non-grant error is not
            // enough to throw the token away.
            kind = standard.kind();
        }
        return new ErrorVerdict(kind, message);
    }

    /** The AADSTS number: the first of {@code error_codes}, else the one in the description. */
    static Long code(OAuthError error) {
        if (!error.errorCodes().isEmpty()) {
            return error.errorCodes().get(0);
        }
        if (error.description() != null) {
            Matcher m = AADSTS.matcher(error.description());
            if (m.find()) {
                return Long.valueOf(m.group(1));
            }
        }
        return null;
    }
}
