package io.mfpoauth.mail.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.fuzz.Script;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.OAuthMechanism;

/**
 * What SMTP and POP3 servers answer to a sign-in or a send, mapped to failures by {@link Failures}; the SASL
 * challenges {@link Sasl} decodes for a message, and the responses it builds from a setting's account and a token.
 *
 * <p>Contract: every reply maps to a failure (never an exception); what is shown of a reply is one printable ASCII
 * line of at most 300 characters; building a response refuses a value with a control character by
 * {@link IllegalArgumentException} whose message never repeats the value, and otherwise round-trips through Base64.
 *
 * <p>Input: reply code, the server's reply line, the challenge after {@code 334 }/{@code + }, the mechanisms of a
 * CAPA/EHLO line, the account, the token; one a line.
 */
class MailRepliesFuzzTest {
    /** Every text {@code Sasl} refuses a value with. */
    private static final String REFUSALS = "empty SASL field\nSASL field with a control character";

    @FuzzTest
    void replies(byte[] input) {
        Script script = new Script(input);
        int code = script.number(535);
        String reply = script.line();
        String challenge = script.line();
        List<String> offered = List.of(script.line().toUpperCase(Locale.ROOT).trim().split("\\s+"));
        String account = script.line();
        String token = script.line();

        for (boolean oauth : new boolean[] { true, false }) {
            assertNotNull(Failures.smtpAuth(code, reply, oauth));
            assertNotNull(Failures.popAuth(reply, oauth));
        }
        for (Failures.SmtpPhase phase : Failures.SmtpPhase.values()) {
            MailFailure failure = Failures.smtpSend(phase, code, reply);
            assertNotNull(failure);
            MailException refusal = Failures.reply(failure, "smtp.example.com:587", reply);
            assertPrintable(refusal.serverReply());
            assertNotNull(Failures.unauthenticated(refusal, "smtp.example.com:587"));
        }
        assertPrintable(Failures.printable(reply));
        assertPrintable(Sasl.readableChallenge(challenge));
        for (OAuthMechanism choice : OAuthMechanism.values()) {
            Sasl.choose(choice, offered);
        }

        check(() -> Sasl.xoauth2(account, token), "user=" + account + "\u0001auth=Bearer " + token + "\u0001\u0001",
                account, token);
        check(() -> Sasl.oauthBearer(account, "mail.example.com", 995, token), null, account, token);
        check(() -> Sasl.plain(account, token), "\u0000" + account + "\u0000" + token, account, token);
    }

    private static void check(java.util.function.Supplier<String> build, String expected, String account,
            String token) {
        String response;
        try {
            response = build.get();
        } catch (IllegalArgumentException e) {
            // The refusals are fixed texts; a "token" that is a piece of them (the fuzzer found "SASL") proves nothing.
            String message = String.valueOf(e.getMessage());
            if (token.length() >= 4 && !REFUSALS.contains(token)) {
                assertFalse(message.contains(token), "the refusal repeats the token");
            }
            return;
        }
        String decoded = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
        if (expected != null) {
            assertEquals(expected, decoded);
        } else {
            assertTrue(decoded.startsWith("n,a=") && decoded.endsWith("auth=Bearer " + token + "\u0001\u0001"));
        }
        assertTrue(response.chars().allMatch(c -> c > 0x20 && c < 0x7f), "a response that is not one line");
    }

    private static void assertPrintable(String shown) {
        if (shown != null) {
            assertTrue(shown.length() <= 300, "more than 300 characters shown");
            assertTrue(shown.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "not printable ASCII");
        }
    }
}
