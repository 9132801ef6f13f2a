package io.mfpoauth.mail.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenStatus;

class TokenLoginTest {

    /** Hands out token-1, token-2, ... and counts forced refreshes. */
    private static final class Tokens implements TokenService {
        int issued = 1;
        final List<String> rejected = new ArrayList<>();
        TokenException onAccess;
        TokenException onRejected;

        @Override
        public AccessToken accessToken(Slot slot) throws TokenException {
            if (onAccess != null) {
                throw onAccess;
            }
            return new AccessToken(slot, "fax@example.com", "token-" + issued, Long.MAX_VALUE);
        }

        @Override
        public AccessToken rejected(AccessToken token) throws TokenException {
            rejected.add(token.value());
            if (onRejected != null) {
                throw onRejected;
            }
            issued++;
            return accessToken(token.slot());
        }

        @Override
        public TokenStatus status(Slot slot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<TokenStatus> statuses() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ProviderDTO> providers() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String proposeProvider(String host) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus startRetrieval(Slot slot, String providerId, String account) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus completeRetrieval(Slot slot, String redirectUrl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus cancelRetrieval(Slot slot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus delete(Slot slot) {
            throw new UnsupportedOperationException();
        }
    }

    private static TokenLogin.Rejected rejection() {
        return new TokenLogin.Rejected(Failures.reply(MailFailure.TOKEN_REJECTED, "pop.example.com:995",
                "-ERR [AUTH] Authentication failed."));
    }

    @Test
    void aRejectedTokenIsReportedOnceAndTheRenewedOneTried() throws Exception {
        Tokens tokens = new Tokens();
        List<String> tried = new ArrayList<>();
        String result = new TokenLogin(tokens).run(Slot.pop("ifax"), token -> {
            tried.add(token.value());
            if (token.value().equals("token-1")) {
                throw rejection();
            }
            return "signed in";
        });
        assertThat(result).isEqualTo("signed in");
        assertThat(tried).containsExactly("token-1", "token-2");
        assertThat(tokens.rejected).containsExactly("token-1");
    }

    @Test
    void rejectedTwiceFailsWithTheServersReplyAndNoThirdAttempt() {
        Tokens tokens = new Tokens();
        List<String> tried = new ArrayList<>();
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.pop("ifax"), token -> {
            tried.add(token.value());
            throw rejection();
        })).isInstanceOfSatisfying(MailException.class, e -> {
            assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_REJECTED);
            assertThat(e.serverReply()).isEqualTo("-ERR [AUTH] Authentication failed.");
            assertThat(e.getMessage()).doesNotContain("token-");
        });
        assertThat(tried).hasSize(2);
        assertThat(tokens.rejected).hasSize(1);
    }

    @Test
    void aFailureThatIsNotAboutTheTokenIsNotRetried() {
        Tokens tokens = new Tokens();
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.smtp(), token -> {
            throw Failures.reply(MailFailure.SMTP_AUTH_DISABLED, "smtp.office365.com:587",
                    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
        })).isInstanceOfSatisfying(MailException.class,
                e -> assertThat(e.failure()).isEqualTo(MailFailure.SMTP_AUTH_DISABLED));
        assertThat(tokens.rejected).isEmpty();
    }

    @Test
    void noTokenAndAnUnreachableProviderAreTellApart() {
        Tokens tokens = new Tokens();
        tokens.onAccess = new TokenException(TokenException.NOT_RETRIEVED, "No token: Get Token first.", false);
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.smtp(), token -> "never"))
                .isInstanceOfSatisfying(MailException.class,
                        e -> assertThat(e.failure()).isEqualTo(MailFailure.NO_TOKEN));
        tokens.onAccess = new TokenException("network", "The provider did not answer.", true);
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.smtp(), token -> "never"))
                .isInstanceOfSatisfying(MailException.class,
                        e -> assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_UNAVAILABLE));
    }

    @Test
    void aRefreshThatFailsAfterARejectionKeepsTheServersReply() {
        Tokens tokens = new Tokens();
        tokens.onRejected = new TokenException("invalid_grant", "The account's sign-in was revoked.", false);
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.smtp(), token -> {
            throw rejection();
        })).isInstanceOfSatisfying(MailException.class, e -> {
            assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_REJECTED);
            assertThat(e.serverReply()).contains("-ERR");
            assertThat(e.getMessage()).contains("revoked");
        });
        tokens.onRejected = new TokenException("network", "The provider did not answer.", true);
        assertThatThrownBy(() -> new TokenLogin(tokens).run(Slot.smtp(), token -> {
            throw rejection();
        })).isInstanceOfSatisfying(MailException.class,
                e -> assertThat(e.failure()).isEqualTo(MailFailure.TOKEN_UNAVAILABLE));
    }
}
