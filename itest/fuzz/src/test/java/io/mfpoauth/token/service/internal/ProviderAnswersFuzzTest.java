package io.mfpoauth.token.service.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.fuzz.Script;
import io.mfpoauth.provider.microsoft.internal.MicrosoftClassifier;
import io.mfpoauth.token.service.internal.http.Answers;
import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.spi.OAuthError;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

/**
 * What a token or device-authorization endpoint answers, read as the token service reads it ({@link HttpReply},
 * then {@link Replies}), with the generic provider's RFC classification or Microsoft's AADSTS one.
 *
 * <p>Contract: {@link Replies} never throws, whatever the body, status or headers; the outcome is exactly one of
 * grant / failure / keep-polling; a failure's message is one clean line that never repeats a secret the device
 * sent; the numbers it hands on (lifetime, interval, Retry-After) stay within their bounds.
 *
 * <p>Input: status, Content-Type, Retry-After ({@code <null>} for none), provider ({@code microsoft} or the
 * generic one), one line each, then the body.
 */
class ProviderAnswersFuzzTest {
    /** Secrets the device sent in the request (device code, refresh token, client secret). */
    static final String[] SECRETS = { "GAQABAAEAAAD-devicecode-4242", "rt-0.AXEA-refresh-4242", "client-secret-4242" };
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    @FuzzTest
    void answers(byte[] input) {
        Script script = new Script(input);
        int status = script.number(200);
        String contentType = Script.orNull(script.line());
        String retryAfter = Script.orNull(script.line());
        OAuthProvider provider = "microsoft".equals(script.line().trim()) ? MICROSOFT : GENERIC;
        HttpReply reply = Answers.reply(status, contentType, script.rest(), retryAfter);

        assertTrue((reply.json() == null) != (reply.problem() == null), "either JSON or a problem");
        reply.retryAfter().ifPresent(d -> assertTrue(!d.isNegative() && d.compareTo(HttpReply.MAX_RETRY_AFTER) <= 0));

        Replies.TokenAnswer token = Replies.token(reply, provider, SECRETS);
        assertEquals(1, Stream.of(token.grant(), token.failure(), token.pending()).filter(o -> o != null).count(),
                "exactly one outcome");
        if (token.grant() != null) {
            assertFalse(token.grant().accessToken().isBlank());
            assertTrue(token.grant().expiresInSeconds() >= 0);
        }
        if (token.pending() != null) {
            assertTrue(token.pending().equals(Replies.AUTHORIZATION_PENDING) || token.pending().equals(Replies.SLOW_DOWN));
        }
        check(token.failure());

        Replies.DeviceAnswer device = Replies.deviceCode(reply, provider, SECRETS);
        assertTrue((device.code() == null) != (device.failure() == null), "a device code or a failure");
        if (device.code() != null) {
            DeviceCode code = device.code();
            assertTrue(code.expiresInSeconds() >= 30 && code.expiresInSeconds() <= 3600);
            assertTrue(code.intervalSeconds() >= 1 && code.intervalSeconds() <= 300);
            String scheme = URI.create(code.verificationUri()).getScheme().toLowerCase();
            assertTrue(scheme.equals("https") || scheme.equals("http"));
            assertClean(code.userCode());
            assertClean(code.message());
        }
        check(device.failure());
    }

    private static void check(Failure failure) {
        if (failure == null) {
            return;
        }
        assertNotNull(failure.kind());
        assertNotNull(failure.code());
        assertTrue(failure.code().length() <= 64);
        assertNotNull(failure.message());
        assertClean(failure.message());
        assertFalse(containsSecret(failure.message()), "a failure message repeats a secret the device sent");
        // codes are shown in lower case: a lower-cased copy of a secret is still the secret
        assertFalse(containsSecret(failure.code().toLowerCase(Locale.ROOT)) || Stream.of(SECRETS)
                .anyMatch(s -> failure.code().contains(s.toLowerCase(Locale.ROOT))), "an error code repeats a secret");
        assertTrue(failure.retryAfterNanos() >= 0 && failure.retryAfterNanos() <= HOUR_NANOS);
    }

    private static void assertClean(String text) {
        if (text != null) {
            assertTrue(text.chars().noneMatch(Character::isISOControl), "control characters reach a message");
        }
    }

    static boolean containsSecret(String text) {
        return text != null && Stream.of(SECRETS).anyMatch(text::contains);
    }

    private static final OAuthProvider GENERIC = new TestProvider() {
    };

    private static final OAuthProvider MICROSOFT = new TestProvider() {
        @Override
        public ErrorVerdict classify(OAuthError error) {
            return MicrosoftClassifier.classify(error);
        }
    };

    /** Only what {@link Replies} asks of a provider: its classification. */
    private abstract static class TestProvider implements OAuthProvider {
        @Override
        public String id() {
            return "fuzz";
        }

        @Override
        public String displayName() {
            return "Fuzz";
        }

        @Override
        public List<Flow> flows() {
            return List.of(Flow.DEVICE_CODE);
        }

        @Override
        public ProviderEndpoints endpoints() {
            return null;
        }

        @Override
        public List<String> scopes(MailProtocol protocol) {
            return List.of();
        }

        @Override
        public String clientId() {
            return "client";
        }
    }
}
