package io.mfpoauth.mail.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.auth.Failures.SmtpPhase;

class FailuresTest {

    @Test
    void exchangeOnlineAuthRepliesMapToWhatTheAdministratorMustDo() {
        assertThat(Failures.smtpAuth(535, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is "
                + "disabled for the Tenant.", true)).isEqualTo(MailFailure.SMTP_AUTH_DISABLED);
        assertThat(Failures.smtpAuth(535, "535 5.7.3 Authentication unsuccessful", true))
                .isEqualTo(MailFailure.TOKEN_REJECTED);
        assertThat(Failures.smtpAuth(535, "535 5.7.8 Error: authentication failed", false))
                .isEqualTo(MailFailure.BAD_CREDENTIALS);
        assertThat(Failures.smtpAuth(454, "454 4.7.0 Temporary authentication failure", true))
                .isEqualTo(MailFailure.SERVER_BUSY);
        assertThat(Failures.smtpAuth(504, "504 5.7.4 Unrecognized authentication type", true))
                .isEqualTo(MailFailure.NO_MECHANISM);
    }

    @Test
    void sendRepliesDependOnThePhase() {
        assertThat(Failures.smtpSend(SmtpPhase.MAIL_FROM, 530, "530 5.7.57 Client not authenticated to send mail"))
                .isEqualTo(MailFailure.AUTH_REQUIRED);
        assertThat(Failures.smtpSend(SmtpPhase.RCPT_TO, 554, "554 5.7.1 <fax@mfp.test>: Relay access denied"))
                .isEqualTo(MailFailure.AUTH_REQUIRED);
        assertThat(Failures.smtpSend(SmtpPhase.MAIL_FROM, 553, "553 5.7.1 Sender address rejected"))
                .isEqualTo(MailFailure.SENDER_REFUSED);
        assertThat(Failures.smtpSend(SmtpPhase.RCPT_TO, 550, "550 5.1.1 User unknown"))
                .isEqualTo(MailFailure.RECIPIENT_REFUSED);
        assertThat(Failures.smtpSend(SmtpPhase.DATA, 552, "552 5.3.4 Message size exceeds fixed limit"))
                .isEqualTo(MailFailure.MESSAGE_REFUSED);
        assertThat(Failures.smtpSend(SmtpPhase.RCPT_TO, 451, "451 4.3.0 try later"))
                .isEqualTo(MailFailure.SERVER_BUSY);
    }

    @Test
    void aSecurityRefusalWithoutSignInMeansSignInIsRequired() {
        MailException refused = Failures.reply(MailFailure.RECIPIENT_REFUSED, "mail:587",
                "554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: Access denied");
        assertThat(Failures.unauthenticated(refused, "mail:587").failure()).isEqualTo(MailFailure.AUTH_REQUIRED);
        MailException unknown = Failures.reply(MailFailure.RECIPIENT_REFUSED, "mail:587", "550 5.1.1 User unknown");
        assertThat(Failures.unauthenticated(unknown, "mail:587")).isSameAs(unknown);
    }

    @Test
    void popRepliesUseResponseCodesAndTheUsualWordings() {
        assertThat(Failures.popAuth("-ERR [AUTH] Authentication failed.", true)).isEqualTo(MailFailure.TOKEN_REJECTED);
        assertThat(Failures.popAuth("-ERR Logon failure: unknown user name or bad password.", false))
                .isEqualTo(MailFailure.BAD_CREDENTIALS);
        assertThat(Failures.popAuth("-ERR [IN-USE] Mailbox locked", true)).isEqualTo(MailFailure.SERVER_BUSY);
        assertThat(Failures.popAuth("-ERR POP3 is disabled for this user", true)).isEqualTo(MailFailure.POP_DISABLED);
        assertThat(Failures.popAuth("-ERR Server Unavailable. 21", true)).isEqualTo(MailFailure.SERVER_BUSY);
        assertThat(Failures.popAuth("-ERR [SYS/PERM] mailbox store failed", true)).isEqualTo(MailFailure.SERVER_ERROR);
    }

    @Test
    void networkFaultsAreFoundAnywhereInTheCauseChain() {
        assertThat(Failures.network(new IOException("wrapped", new UnknownHostException("nohost"))))
                .isEqualTo(MailFailure.UNKNOWN_HOST);
        assertThat(Failures.network(new ConnectException("Connection refused"))).isEqualTo(MailFailure.CONNECTION_REFUSED);
        assertThat(Failures.network(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .isEqualTo(MailFailure.TIMEOUT);
        assertThat(Failures.network(new SSLHandshakeException("PKIX path building failed")))
                .isEqualTo(MailFailure.TLS_FAILED);
        assertThat(Failures.network(new IOException("Connection reset"))).isEqualTo(MailFailure.NETWORK);
    }

    @Test
    void aReplyExceptionCarriesThePrintableReplyAndTheAdvice() {
        MailException e = Failures.reply(MailFailure.TOKEN_REJECTED, "smtp.example.com:587",
                "535 5.7.3 Authentication\r\nunsuccessful\u0000");
        assertThat(e.serverReply()).isEqualTo("535 5.7.3 Authentication  unsuccessful");
        assertThat(e.getMessage()).contains("smtp.example.com:587").contains("account name").contains("5.7.3");
        assertThat(e.toTestResult().code).isEqualTo("token_rejected");
        assertThat(e.toTestResult().ok).isFalse();
    }
}
