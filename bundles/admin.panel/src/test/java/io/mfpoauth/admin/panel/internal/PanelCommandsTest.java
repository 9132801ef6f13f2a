package io.mfpoauth.admin.panel.internal;

import static io.mfpoauth.admin.panel.internal.Fakes.AT_10_15;
import static io.mfpoauth.admin.panel.internal.Fakes.CLOCK;
import static io.mfpoauth.admin.panel.internal.Fakes.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.EventConstants;

import io.mfpoauth.admin.panel.internal.Fakes.Handlers;
import io.mfpoauth.admin.panel.internal.Fakes.Mail;
import io.mfpoauth.admin.panel.internal.Fakes.ScriptedConsole;
import io.mfpoauth.admin.panel.internal.Fakes.Settings;
import io.mfpoauth.admin.panel.internal.Fakes.Tokens;
import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

class PanelCommandsTest {

    private final Tokens tokens = new Tokens();
    private final Settings settings = new Settings();
    private final Mail mail = new Mail();
    private final Handlers handlers = new Handlers();
    private final PanelCommands commands = new PanelCommands(new PanelSteps(tokens, settings, mail, handlers), CLOCK);

    @BeforeEach
    void oauthSmtp() {
        settings.smtp = Fakes.oauthSmtp();
    }

    private ScriptedConsole run(ScriptedConsole console, String name, String... arguments) {
        commands.run(console, name, List.of(arguments));
        return console;
    }

    private ScriptedConsole run(String name, String... arguments) {
        return run(new ScriptedConsole(), name, arguments);
    }

    // ---- Confirmation ----

    @Test
    void deleteAsksAndDeletesOnYes() {
        tokens.put(Fakes.status("smtp", TokenState.RETRIEVED, "microsoft", "scanner@example.com"));

        ScriptedConsole console = run(new ScriptedConsole().answer("y"), "delete-token", "smtp");

        assertThat(console.text()).startsWith("Delete the token of smtp (Recuperato / Retrieved (scanner@example.com, "
                + "provider microsoft, expires 10:42))? Every SMTP use (scan to e-mail, internet-fax send, "
                + "notifications) shares it. [y/N] ");
        assertThat(tokens.calls).containsExactly("delete smtp");
        assertThat(console.lines).endsWith("Token deleted.", "smtp: Non recuperato / Not retrieved");
    }

    @Test
    void deleteNotConfirmedChangesNothing() {
        tokens.put(Fakes.status("smtp", TokenState.RETRIEVED, "microsoft", "scanner@example.com"));

        ScriptedConsole console = run(new ScriptedConsole().answer("n"), "delete-token", "smtp");

        assertThat(tokens.calls).isEmpty();
        assertThat(console.lines).endsWith("Not deleted: not confirmed.");
    }

    @Test
    void withoutConsoleInputConfirmationIsRefusedNamingYes() {
        ScriptedConsole console = run(new ScriptedConsole(), "delete-token", "pop-ifax");

        assertThat(tokens.calls).isEmpty();
        assertThat(console.lines).endsWith("Not deleted: there is no console input to confirm on; run the command "
                + "again with --yes to confirm in advance.");
    }

    @Test
    void yesConfirmsInAdvanceWithoutAsking() {
        ScriptedConsole console = run(new ScriptedConsole(), "delete-token", "--yes", "pop-ifax");
        ScriptedConsole shortForm = run(new ScriptedConsole(), "delete-token", "smtp", "-y");

        assertThat(console.questions + shortForm.questions).isZero();
        assertThat(tokens.calls).containsExactly("delete pop-ifax", "delete smtp");
        assertThat(console.lines).containsExactly("Token deleted.", "pop-ifax: Non recuperato / Not retrieved");
    }

    @Test
    void getTokenNotConfirmedStartsNothing() {
        ScriptedConsole console = run(new ScriptedConsole().answer(""), "get-token", "smtp");

        assertThat(console.text()).startsWith("Get Token (Recupera Token) for smtp: provider microsoft, account "
                + "scanner@example.com. Continue? [y/N] ");
        assertThat(tokens.calls).isEmpty();
        assertThat(handlers.registered).isEmpty();
        assertThat(console.lines).endsWith("Not started: not confirmed.");
    }

    // ---- Get Token ----

    @Test
    void getTokenPrintsTheCodeAndWatchesEventsUntilRetrieved() throws Exception {
        tokens.startAnswer = Fakes.awaitingDeviceCode("smtp", AT_10_15);
        ScriptedConsole console = new ScriptedConsole().answer("y");

        CompletableFuture<Void> command = CompletableFuture.runAsync(() -> run(console, "get-token", "smtp"));
        assertThat(tokens.started.await(5, TimeUnit.SECONDS)).isTrue();
        // EventAdmin delivers on its own thread: the start's own event (stale), a transient error, the token.
        TokenStatus startEvent = tokens.status(io.mfpoauth.token.Slot.smtp());
        TokenStatus transientError = tokens.put(Fakes.awaitingDeviceCode("smtp", AT_10_15));
        transientError.error = Fakes.error("network", "The sign-in service could not be reached", true);
        TokenStatus retrieved = tokens.put(Fakes.status("smtp", TokenState.RETRIEVED, "microsoft", "scanner@example.com"));
        handlers.post(startEvent);
        handlers.post(transientError);
        handlers.post(retrieved);
        command.get(5, TimeUnit.SECONDS);

        assertThat(tokens.calls).containsExactly("start smtp microsoft scanner@example.com");
        assertThat(console.lines).containsSubsequence(
                "smtp: In attesa di autorizzazione / Awaiting authorization (scanner@example.com, provider microsoft)",
                "User code: ABCD-EFGH",
                "Verification address: https://microsoft.com/devicelogin",
                "Complete address: https://microsoft.com/devicelogin?otc=ABCD-EFGH",
                "On a phone or computer, open the verification address, enter the user code and sign in as "
                        + "scanner@example.com.",
                "The code expires at 10:15.",
                "Waiting for the sign-in (until 10:15) ...",
                "smtp: In attesa di autorizzazione / Awaiting authorization (scanner@example.com, provider microsoft)",
                "  last error network: The sign-in service could not be reached (temporary: the device tries again "
                        + "by itself)",
                "smtp: Recuperato / Retrieved (scanner@example.com, provider microsoft, expires 10:42)",
                "Token retrieved.");
        assertThat(console.lines.stream().filter(l -> l.startsWith("smtp: In attesa"))).hasSize(2);
        assertThat(handlers.properties.get(0)).containsEntry(EventConstants.EVENT_TOPIC, TokenEvents.TOPIC)
                .containsEntry(EventConstants.EVENT_FILTER, "(slot=smtp)");
        assertThat(handlers.registered).as("the handler lives only as long as the command").isEmpty();
        assertThat(handlers.closed).isEqualTo(1);
    }

    @Test
    void getTokenEndsWithTheProvidersRefusal() {
        tokens.startAnswer = Fakes.awaitingDeviceCode("smtp", AT_10_15);
        TokenStatus denied = Fakes.status("smtp", TokenState.NOT_RETRIEVED, "microsoft", "scanner@example.com");
        denied.error = Fakes.error("access_denied", "The sign-in was declined: press Get Token to try again", false);
        Handlers posting = new Handlers() {
            @Override
            public TokenWatch.Registration register(org.osgi.service.event.EventHandler handler,
                    java.util.Map<String, Object> props) {
                TokenWatch.Registration registration = super.register(handler, props);
                // the refusal arrives before the command even starts waiting: the queue keeps it
                new Thread(() -> {
                    await(tokens);
                    post(tokens.put(denied));
                }).start();
                return registration;
            }
        };
        PanelCommands withPosting = new PanelCommands(new PanelSteps(tokens, settings, mail, posting), CLOCK);
        ScriptedConsole console = new ScriptedConsole();

        withPosting.run(console, "get-token", List.of("smtp", "--yes"));

        assertThat(console.lines).endsWith(
                "smtp: Non recuperato / Not retrieved (scanner@example.com, provider microsoft)",
                "  last error access_denied: The sign-in was declined: press Get Token to try again",
                "Token not retrieved: access_denied: The sign-in was declined: press Get Token to try again");
    }

    private static void await(Tokens tokens) {
        try {
            tokens.started.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void getTokenStopsWhenTheCodeExpired() {
        long longAgo = CLOCK.millis() - PanelCommands.GRACE_MILLIS - 1;
        tokens.startAnswer = Fakes.awaitingDeviceCode("smtp", longAgo);

        ScriptedConsole console = run("get-token", "smtp", "--yes");

        assertThat(console.lines).endsWith("The code expired at 09:59 without a sign-in: run mfp:get-token smtp again.");
        assertThat(handlers.registered).isEmpty();
    }

    @Test
    void interruptingTheWaitLeavesTheRetrievalRunning() throws Exception {
        tokens.startAnswer = Fakes.awaitingDeviceCode("smtp", AT_10_15);
        ScriptedConsole console = new ScriptedConsole();
        Thread command = new Thread(() -> run(console, "get-token", "smtp", "--yes"));
        command.start();
        assertThat(tokens.started.await(5, TimeUnit.SECONDS)).isTrue();
        while (!console.lines.contains("Waiting for the sign-in (until 10:15) ...")) {
            Thread.onSpinWait();
        }

        command.interrupt();
        command.join(5000);

        assertThat(command.isAlive()).isFalse();
        assertThat(console.lines).endsWith("Stopped watching; the retrieval goes on: mfp:tokens shows its state, "
                + "mfp:cancel-token smtp cancels it.");
        assertThat(tokens.calls).containsExactly("start smtp microsoft scanner@example.com");
        assertThat(handlers.registered).isEmpty();
    }

    @Test
    void noWaitReturnsAfterTheCode() {
        tokens.startAnswer = Fakes.awaitingDeviceCode("smtp", AT_10_15);

        ScriptedConsole console = run("get-token", "smtp", "--yes", "--no-wait");

        assertThat(console.lines).contains("User code: ABCD-EFGH")
                .endsWith("Not waiting: mfp:watch-token smtp follows the state, mfp:tokens shows it.");
    }

    @Test
    void getTokenForABrowserProviderPrintsTheAddressAndTheCompleteCommand() {
        settings.pops.put("ifax", pop("ifax", AuthMethod.OAUTH2, "google", "fax@example.com"));
        TokenStatus awaiting = Fakes.status("pop-ifax", TokenState.AWAITING_AUTHORIZATION, "google", "fax@example.com");
        awaiting.authorization = new PendingAuthorization();
        awaiting.authorization.flow = Flow.AUTHORIZATION_CODE;
        awaiting.authorization.authorizationUrl = "https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=s";
        awaiting.authorization.expiresAt = AT_10_15;
        tokens.startAnswer = awaiting;

        ScriptedConsole console = run("get-token", "pop-ifax", "--yes");

        assertThat(tokens.calls).containsExactly("start pop-ifax google fax@example.com");
        assertThat(console.lines).containsSubsequence(
                "pop-ifax: In attesa di autorizzazione / Awaiting authorization (fax@example.com, provider google)",
                "Authorization address: https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=s",
                "  mfp:complete-token pop-ifax '<redirected address>'",
                "The sign-in expires at 10:15.");
        assertThat(handlers.registered).isEmpty();
    }

    @Test
    void completeTokenPrintsTheNewState() {
        ScriptedConsole console = run("complete-token", "smtp", "http://127.0.0.1:4711/oauth2/callback?code=c&state=s");

        assertThat(tokens.calls).containsExactly("complete smtp http://127.0.0.1:4711/oauth2/callback?code=c&state=s");
        assertThat(console.lines).containsExactly(
                "smtp: Recuperato / Retrieved (scanner@example.com, provider microsoft, expires 10:42)",
                "Token retrieved.");
    }

    @Test
    void aSettingWithoutOAuthIsRefusedNamingTheField() {
        settings.smtp.authMethod = AuthMethod.PASSWORD;

        ScriptedConsole console = run(new ScriptedConsole().answer("y"), "get-token", "smtp");

        assertThat(console.questions).isZero();
        assertThat(tokens.calls).isEmpty();
        assertThat(console.lines).containsExactly("Not started: authMethod: the SMTP settings use password "
                + "authentication, not OAuth 2.0: choose it with mfp:smtp-set authMethod=oauth2");
    }

    @Test
    void aSettingWithoutProviderOrAccountOrAtAllIsRefusedNamingTheField() {
        settings.pops.put("ifax", pop("ifax", AuthMethod.OAUTH2, "microsoft", null));
        settings.smtp.provider = null;

        assertThat(run("get-token", "smtp", "--yes").lines).containsExactly("Not started: provider: the SMTP settings "
                + "name no provider: choose one with mfp:smtp-set provider=<provider id> (mfp:providers lists them)");
        assertThat(run("get-token", "pop-ifax", "--yes").lines).containsExactly("Not started: account: POP setting "
                + "ifax have no account name: enter the mailbox address with mfp:pop-set ifax account=<mailbox address>");
        assertThat(run("get-token", "pop-other", "--yes").lines).containsExactly("Not started: id: there is no POP "
                + "setting \"other\": create it with mfp:pop-set other server=<host> authMethod=oauth2 "
                + "provider=<provider id> account=<mailbox address>");
        assertThat(run("get-token", "imap", "--yes").lines).containsExactly("Not started: A token slot is 'smtp' or "
                + "'pop-<id>' with <id> matching [a-z0-9-]{1,32}");
        assertThat(tokens.calls).isEmpty();
    }

    @Test
    void aRefusedStartPrintsTheServicesCodeAndMessage() {
        tokens.startFailure = new TokenException("provider_missing", "The provider microsoft is not installed", false);

        ScriptedConsole console = run("get-token", "smtp", "--yes");

        assertThat(console.lines).containsExactly("Not started: provider_missing: The provider microsoft is not installed");
        assertThat(handlers.registered).isEmpty();
    }

    // ---- Settings ----

    @Test
    void smtpSetRefusalNamesTheField() {
        ScriptedConsole console = run("smtp-set", "server=smtp.example.com", "port=99999");

        assertThat(console.lines).containsExactly("Not changed: port: must be between 1 and 65535",
                "Nothing was changed: correct port and run mfp:smtp-set again.");
        assertThat(settings.smtp.server).isEqualTo("smtp.office365.com");
    }

    @Test
    void smtpSetRefusesWhatItCannotRead() {
        assertThat(run("smtp-set", "port=abc").lines).first().isEqualTo("Not changed: port: must be a whole number, not \"abc\"");
        assertThat(run("smtp-set", "security=ssl").lines).first().isEqualTo("Not changed: security: must be one of none, starttls, tls");
        assertThat(run("smtp-set", "colour=blue").lines).first().isEqualTo("Not changed: colour: there is no such SMTP "
                + "setting; the settings are server, port, timeoutSeconds, senderName, senderAddress, security, "
                + "authMethod, username, password, provider, account, oauthMechanism");
        assertThat(run("smtp-set", "port").lines).first().isEqualTo("Not changed: port: write each change as key=value, e.g. port=587");
    }

    @Test
    void smtpSetChangesAndShowsTheSettings() {
        ScriptedConsole console = run("smtp-set", "port=465", "security=TLS", "senderName=Scanner 3");

        assertThat(settings.smtp.port).isEqualTo(465);
        assertThat(console.lines).containsSubsequence("SMTP settings changed.", "SMTP settings",
                "  server                smtp.office365.com",
                "  port                  465",
                "  senderName            Scanner 3",
                "  security              tls",
                "  authMethod            oauth2",
                "  password              not set",
                "  token                 Non recuperato / Not retrieved");
    }

    @Test
    void aPasswordIsReadFromTheConsoleAndNeverPrinted() {
        ScriptedConsole console = run(new ScriptedConsole().secret(PASSWORD), "smtp-set", "authMethod=password",
                "username=scanner", "password=");
        ScriptedConsole inline = run("pop-set", "ifax", "server=pop.example.com", "password=" + PASSWORD);

        assertThat(settings.storedPasswords).containsEntry("smtp", PASSWORD).containsEntry("ifax", PASSWORD);
        assertThat(console.lines).contains("Password: ", "  password              stored");
        assertThat(inline.lines).contains("POP setting ifax created.", "  password              stored");
        assertThat(console.text() + inline.text()).doesNotContain(PASSWORD);
    }

    @Test
    void aPasswordPromptWithoutConsoleInputIsRefused() {
        ScriptedConsole console = run("smtp-set", "password=");

        assertThat(console.lines).endsWith("Not changed: password: there is no console input to type it on: give it "
                + "as password=<password>", "Nothing was changed: correct password and run mfp:smtp-set again.");
        assertThat(settings.storedPasswords).isEmpty();
    }

    @Test
    void popSettingsAreCreatedListedAndDeletedWithConfirmation() {
        run("pop-set", "ifax", "server=pop.example.com", "provider=microsoft", "account=fax@example.com");
        tokens.put(Fakes.status("pop-ifax", TokenState.RETRIEVED, "microsoft", "fax@example.com"));

        assertThat(run("pop").lines).containsExactly("ifax: pop.example.com:995 tls, oauth2, every 5 min",
                "  token: Recuperato / Retrieved (fax@example.com, provider microsoft, expires 10:42)");
        assertThat(run("pop", "ifax").lines).contains("POP setting ifax", "  id                    ifax",
                "  checkIntervalMinutes  5", "  deleteAfterRetrieval  true");
        assertThat(run("pop-set", "ifax", "id=other").lines).first()
                .isEqualTo("Not changed: id: is the POP setting's name and cannot be changed: create a setting with "
                        + "the new id and delete this one");
        assertThat(run("pop-set", "Bad_Id", "server=x").lines).first()
                .isEqualTo("Not changed: id: \"Bad_Id\" is not a POP setting id: use 1 to 32 of a-z, 0-9 and -");

        ScriptedConsole refused = run(new ScriptedConsole().answer("no"), "pop-delete", "ifax");
        assertThat(refused.lines).endsWith("Not deleted: not confirmed.");
        assertThat(settings.pops).containsKey("ifax");

        ScriptedConsole deleted = run(new ScriptedConsole().answer("yes"), "pop-delete", "ifax");
        assertThat(deleted.text()).startsWith("Delete POP setting ifax (pop.example.com)? Its mailbox is no longer checked. [y/N] ");
        assertThat(deleted.lines).endsWith("POP setting ifax deleted.", "Its token is kept: pop-ifax: Recuperato / "
                + "Retrieved (fax@example.com, provider microsoft, expires 10:42); mfp:delete-token pop-ifax deletes it.");
        assertThat(settings.pops).doesNotContainKey("ifax");
    }

    // ---- Token display, providers ----

    @Test
    void tokensListsEverySlotWithBothWordsAndTheLastError() {
        TokenStatus smtp = Fakes.status("smtp", TokenState.INVALID, "microsoft", "scanner@example.com");
        smtp.error = Fakes.error("invalid_grant", "The account's sign-in is no longer valid: delete the token and Get Token again", false);
        tokens.put(smtp);
        settings.pops.put("ifax", pop("ifax", AuthMethod.OAUTH2, "microsoft", "fax@example.com"));
        tokens.put(Fakes.awaitingDeviceCode("pop-old", AT_10_15));

        assertThat(run("tokens").lines).containsExactly(
                "smtp: Non valido / Invalid (scanner@example.com, provider microsoft)",
                "  last error invalid_grant: The account's sign-in is no longer valid: delete the token and Get Token again",
                "pop-ifax: Non recuperato / Not retrieved",
                "pop-old: In attesa di autorizzazione / Awaiting authorization (scanner@example.com, provider microsoft)",
                "  waiting for the sign-in with code ABCD-EFGH at https://microsoft.com/devicelogin until 10:15",
                "  no POP setting uses this slot any more: mfp:delete-token pop-old deletes its token");
    }

    @Test
    void providersAndProposal() {
        assertThat(run("providers").lines).containsExactly(
                "microsoft: Microsoft 365 / Exchange Online (flows: device_code; hosts: office365.com)",
                "google: Google (flows: authorization_code; hosts: gmail.com)");
        assertThat(run("propose", "smtp.office365.com").lines)
                .containsExactly("smtp.office365.com: provider microsoft (Microsoft 365 / Exchange Online)");
        assertThat(run("propose", "mail.example.org").lines)
                .containsExactly("mail.example.org: no installed provider serves this host; mfp:providers lists them");
    }

    @Test
    void cancelOnlyWhatIsInProgress() {
        assertThat(run("cancel-token", "smtp").lines).containsExactly("No retrieval in progress for smtp.",
                "smtp: Non recuperato / Not retrieved");
        tokens.put(Fakes.awaitingDeviceCode("smtp", AT_10_15));
        assertThat(run("cancel-token", "smtp").lines).containsExactly("Retrieval cancelled.",
                "smtp: Non recuperato / Not retrieved");
        assertThat(tokens.calls).containsExactly("cancel smtp");
    }

    // ---- Mail ----

    @Test
    void mailTestPrintsTheMappedCodeMessageAndReply() {
        mail.sender = new MailSender() {
            @Override
            public SentMail send(OutgoingMail message) {
                SentMail sent = new SentMail();
                sent.messageId = "<1@device>";
                sent.recipients = message.to();
                return sent;
            }

            @Override
            public TestResult test() {
                return TestResult.failed(MailFailure.SMTP_AUTH_DISABLED, MailFailure.SMTP_AUTH_DISABLED.advice(),
                        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
            }
        };

        assertThat(run("mail-test", "smtp").lines).containsExactly(
                "SMTP connection test: failed (smtp_auth_disabled)",
                "  " + MailFailure.SMTP_AUTH_DISABLED.advice(),
                "  server reply: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
        assertThat(run("send", "a@example.com,b@example.com", "Scan", "two", "words").lines)
                .containsExactly("Sent: <1@device> to a@example.com, b@example.com");
        assertThat(run("mail-test", "pop", "ifax").lines)
                .containsExactly("POP setting ifax connection test not run: There is no POP setting \"ifax\" (mfp:pop lists them)");
        assertThat(run("mail-test", "imap").lines).containsExactly("Usage: mfp:mail-test smtp | mfp:mail-test pop <id>");
    }

    @Test
    void mailCommandsSayWhichBundleIsMissing() {
        assertThat(run("send", "a@example.com", "Scan").lines)
                .containsExactly("Not sent: No mail sender is running: the bundle io.mfpoauth.mail.smtp is not active");
        assertThat(run("messages", "ifax").lines)
                .containsExactly("Not listed: No mail archive is running: the bundle io.mfpoauth.mail.pop is not active");
    }

    @Test
    void nothingPrintedEverHoldsThePassword() {
        settings.storedPasswords.put("smtp", PASSWORD);
        settings.smtp.passwordSet = true;
        settings.pops.put("ifax", pop("ifax", AuthMethod.PASSWORD, null, null));
        StringBuilder all = new StringBuilder();
        for (String command : List.of("smtp", "pop", "tokens", "providers")) {
            all.append(run(command).text());
        }
        all.append(run("pop", "ifax").text());
        assertThat(all).contains("  password              stored").doesNotContain(PASSWORD);
    }

    private static PopSettings pop(String id, AuthMethod method, String provider, String account) {
        PopSettings pop = new PopSettings();
        pop.id = id;
        pop.server = "pop.example.com";
        pop.authMethod = method;
        pop.provider = provider;
        pop.account = account;
        return pop;
    }
}
