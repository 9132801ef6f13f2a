package io.mfpoauth.admin.panel.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.mfpoauth.admin.panel.internal.PanelSteps.Refused;
import io.mfpoauth.admin.panel.internal.PanelSteps.TokenRequest;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.StoredMessage;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

/**
 * The console side of the panel commands: reads the arguments, asks for confirmation, prints. The steps themselves
 * are {@link PanelSteps}. Every message says what happened and, when something was refused, which field and what
 * to do; no token and no password is ever printed.
 */
final class PanelCommands {

    /** The command names, scope {@code mfp}; the component's {@code osgi.command.function} values. */
    static final Map<String, String> USAGE = usage();

    /** After a code's expiry, how long Get Token still waits for the token service's own verdict. */
    static final long GRACE_MILLIS = 30_000;
    /** How long Get Token waits when the provider gave no expiry. */
    static final long DEFAULT_WAIT_MILLIS = 15 * 60_000;

    private static final String YES = "--yes";
    private static final String NO_WAIT = "--no-wait";
    private static final int FIELD_WIDTH = 22;

    private final PanelSteps steps;
    private final Clock clock;
    private final PanelText text;

    PanelCommands(PanelSteps steps, Clock clock) {
        this.steps = steps;
        this.clock = clock;
        this.text = new PanelText(clock.getZone());
    }

    private static Map<String, String> usage() {
        Map<String, String> usage = new LinkedHashMap<>();
        usage.put("smtp", "mfp:smtp");
        usage.put("smtp-set", "mfp:smtp-set <field>=<value> ...   (password= asks for the password)");
        usage.put("pop", "mfp:pop [<id>]");
        usage.put("pop-set", "mfp:pop-set <id> <field>=<value> ...   (password= asks for the password)");
        usage.put("pop-delete", "mfp:pop-delete <id> [--yes]");
        usage.put("providers", "mfp:providers");
        usage.put("propose", "mfp:propose <mail server host>");
        usage.put("tokens", "mfp:tokens");
        usage.put("get-token", "mfp:get-token <slot> [--yes] [--no-wait]   (slot: smtp or pop-<id>)");
        usage.put("watch-token", "mfp:watch-token <slot>");
        usage.put("complete-token", "mfp:complete-token <slot> '<redirected address>'");
        usage.put("cancel-token", "mfp:cancel-token <slot>");
        usage.put("delete-token", "mfp:delete-token <slot> [--yes]");
        usage.put("mail-test", "mfp:mail-test smtp | mfp:mail-test pop <id>");
        usage.put("send", "mfp:send <to>[,<to>...] <subject> [<text> ...]");
        usage.put("poll", "mfp:poll <id>");
        usage.put("messages", "mfp:messages <id>");
        return Collections.unmodifiableMap(usage);
    }

    /** Runs one command; never throws for anything the administrator typed. */
    void run(PanelConsole console, String name, List<String> arguments) {
        new Call(console, name, arguments).run();
    }

    /** One command's run: its console and its arguments. */
    private final class Call {
        private final PanelConsole out;
        private final String name;
        private final List<String> args = new ArrayList<>();
        private boolean yes;
        private boolean noWait;

        Call(PanelConsole out, String name, List<String> arguments) {
            this.out = out;
            this.name = name;
            boolean options = name.equals("get-token") || name.equals("delete-token") || name.equals("pop-delete");
            for (String argument : arguments) {
                if (options && (argument.equals("-y") || argument.equals(YES))) {
                    yes = true;
                } else if (name.equals("get-token") && argument.equals(NO_WAIT)) {
                    noWait = true;
                } else {
                    args.add(argument);
                }
            }
        }

        void run() {
            if (!USAGE.containsKey(name)) {
                out.println("Unknown command mfp:" + name);
                return;
            }
            if (args.contains("--help") || args.contains("-h") || !arity()) {
                out.println("Usage: " + USAGE.get(name));
                return;
            }
            switch (name) {
                case "smtp" -> showSmtp();
                case "smtp-set" -> setSmtp();
                case "pop" -> showPop();
                case "pop-set" -> setPop();
                case "pop-delete" -> deletePop();
                case "providers" -> providers();
                case "propose" -> propose();
                case "tokens" -> tokens();
                case "get-token" -> getToken();
                case "watch-token" -> watchToken();
                case "complete-token" -> completeToken();
                case "cancel-token" -> cancelToken();
                case "delete-token" -> deleteToken();
                case "mail-test" -> mailTest();
                case "send" -> send();
                case "poll" -> poll();
                case "messages" -> messages();
                default -> throw new IllegalStateException(name);
            }
        }

        private boolean arity() {
            int n = args.size();
            return switch (name) {
                case "smtp", "providers", "tokens" -> n == 0;
                case "pop" -> n <= 1;
                case "smtp-set" -> n >= 1;
                case "pop-set" -> n >= 2;
                case "complete-token" -> n == 2;
                case "mail-test" -> n == 1 && args.get(0).equals("smtp") || n == 2 && args.get(0).equals("pop");
                case "send" -> n >= 2;
                default -> n == 1;
            };
        }

        // ---- Settings ----

        private void showSmtp() {
            out.println("SMTP settings");
            fields(SettingsFields.SMTP, steps.smtp());
            token(steps.status(Slot.smtp()));
        }

        private void setSmtp() {
            Map<String, String> changes = changes(args, "mfp:smtp-set");
            if (changes == null) {
                return;
            }
            try {
                steps.changeSmtp(changes);
            } catch (SettingsException e) {
                refusedSetting(e, "mfp:smtp-set");
                return;
            }
            out.println("SMTP settings changed.");
            showSmtp();
        }

        private void showPop() {
            if (args.isEmpty()) {
                listPops();
            } else {
                showPop(args.get(0));
            }
        }

        private void listPops() {
            List<PopSettings> pops = steps.pops();
            if (pops.isEmpty()) {
                out.println("No POP settings: create one with mfp:pop-set <id> server=<host> authMethod=oauth2 "
                        + "provider=<provider id> account=<mailbox address>");
            }
            for (PopSettings pop : pops) {
                out.println(pop.id + ": " + pop.server + ":" + pop.port + " " + key(pop.security) + ", "
                        + key(pop.authMethod) + ", every " + pop.checkIntervalMinutes + " min"
                        + (pop.enabled ? "" : ", not checked (enabled=false)"));
                out.println("  token: " + text.state(steps.status(Slot.pop(pop.id))));
            }
        }

        private void showPop(String id) {
            PopSettings pop = steps.pop(id);
            if (pop == null) {
                out.println("There is no POP setting \"" + id + "\" (mfp:pop lists them)");
                return;
            }
            out.println("POP setting " + id);
            fields(SettingsFields.POP, pop);
            token(steps.status(Slot.pop(id)));
        }

        private void setPop() {
            String id = args.get(0);
            Map<String, String> changes = changes(args.subList(1, args.size()), "mfp:pop-set " + id);
            if (changes == null) {
                return;
            }
            boolean created = steps.pop(id) == null;
            try {
                steps.changePop(id, changes);
            } catch (SettingsException e) {
                refusedSetting(e, "mfp:pop-set " + id);
                return;
            }
            out.println("POP setting " + id + (created ? " created." : " changed."));
            showPop(id);
        }

        /** The {@code key=value} changes, with a password asked for when given as {@code password=}; null if refused. */
        private Map<String, String> changes(List<String> arguments, String command) {
            Map<String, String> changes;
            try {
                changes = SettingsFields.pairs(arguments);
            } catch (SettingsException e) {
                refusedSetting(e, command);
                return null;
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> change : changes.entrySet()) {
                String value = change.getValue();
                if (change.getKey().equalsIgnoreCase(SettingsFields.PASSWORD) && value.isEmpty()) {
                    value = out.readSecret("Password: ");
                    if (value == null || value.isEmpty()) {
                        out.println("");
                        refusedSetting(new SettingsException(SettingsFields.PASSWORD, value == null
                                ? "there is no console input to type it on: give it as password=<password>"
                                : "nothing was typed"), command);
                        return null;
                    }
                }
                result.put(change.getKey(), value);
            }
            return result;
        }

        private void refusedSetting(SettingsException e, String command) {
            out.println("Not changed: " + e.getMessage());
            out.println("Nothing was changed: correct " + e.field() + " and run " + command + " again.");
        }

        private void deletePop() {
            String id = args.get(0);
            PopSettings pop = steps.pop(id);
            if (pop == null) {
                out.println("Not deleted: there is no POP setting \"" + id + "\" (mfp:pop lists them)");
                return;
            }
            if (!confirm("Delete POP setting " + id + " (" + pop.server + ")? Its mailbox is no longer checked.",
                    "Not deleted")) {
                return;
            }
            steps.deletePop(id);
            out.println("POP setting " + id + " deleted.");
            TokenStatus token = steps.status(Slot.pop(id));
            if (token.state != TokenState.NOT_RETRIEVED) {
                out.println("Its token is kept: " + text.stateLine(token) + "; mfp:delete-token " + token.slot
                        + " deletes it.");
            }
        }

        private void fields(SettingsFields fields, Object settings) {
            for (String field : fields.names()) {
                out.println(row(field, fields.show(settings, field)));
            }
        }

        private void token(TokenStatus status) {
            out.println(row("token", text.state(status)));
            errorLine(status);
        }

        // ---- Providers and the token display ----

        private void providers() {
            List<ProviderDTO> providers = steps.providers();
            if (providers.isEmpty()) {
                out.println("No providers installed: a firmware update installs them (mfp:install)");
            }
            for (ProviderDTO provider : providers) {
                out.println(provider.id + ": " + provider.name + " (flows: " + provider.flows.stream()
                        .map(PanelCommands::key).collect(Collectors.joining(", ")) + "; hosts: "
                        + (provider.hosts.isEmpty() ? "-" : String.join(", ", provider.hosts)) + ")");
            }
        }

        private void propose() {
            String host = args.get(0);
            ProviderDTO provider = steps.propose(host);
            out.println(provider == null
                    ? host + ": no installed provider serves this host; mfp:providers lists them"
                    : host + ": provider " + provider.id + " (" + provider.name + ")");
        }

        private void tokens() {
            for (TokenStatus status : steps.statuses()) {
                showState(status);
                PendingAuthorization pending = status.authorization;
                if (status.state == TokenState.AWAITING_AUTHORIZATION && pending != null) {
                    out.println("  waiting for the sign-in"
                            + (pending.userCode != null ? " with code " + pending.userCode + " at "
                                    + pending.verificationUri : " in a browser")
                            + (pending.expiresAt > 0 ? " until " + text.time(pending.expiresAt) : ""));
                }
                if (steps.orphaned(status)) {
                    out.println("  no POP setting uses this slot any more: mfp:delete-token " + status.slot
                            + " deletes its token");
                }
            }
        }

        // ---- Get Token, Delete ----

        private void getToken() {
            Slot slot = slot("Not started");
            if (slot == null) {
                return;
            }
            TokenRequest request;
            try {
                request = steps.tokenRequest(slot);
            } catch (SettingsException e) {
                out.println("Not started: " + e.getMessage());
                return;
            }
            TokenStatus before = steps.status(slot);
            String question = "Get Token (Recupera Token) for " + slot + ": provider " + request.provider()
                    + ", account " + request.account() + "."
                    + (before.state == TokenState.RETRIEVED ? " The current token stays in use until the new one arrives." : "")
                    + " Continue?";
            if (!confirm(question, "Not started")) {
                return;
            }
            try (TokenWatch watch = steps.watch(slot)) {
                TokenStatus status;
                try {
                    status = steps.startRetrieval(request, watch);
                } catch (TokenException e) {
                    out.println("Not started: " + e.code() + ": " + e.getMessage());
                    return;
                }
                showState(status);
                if (TokenWatch.finished(status)) {
                    outcome(status);
                    return;
                }
                PendingAuthorization pending = status.authorization;
                if (pending != null && pending.flow == Flow.AUTHORIZATION_CODE) {
                    browserSteps(slot, request, pending);
                    return;
                }
                if (pending != null) {
                    deviceSteps(request, pending);
                }
                if (noWait) {
                    out.println("Not waiting: mfp:watch-token " + slot + " follows the state, mfp:tokens shows it.");
                    return;
                }
                follow(watch, status);
            }
        }

        private void deviceSteps(TokenRequest request, PendingAuthorization pending) {
            out.println("User code: " + pending.userCode);
            out.println("Verification address: " + pending.verificationUri);
            if (pending.verificationUriComplete != null) {
                out.println("Complete address: " + pending.verificationUriComplete);
            }
            out.println("On a phone or computer, open the verification address, enter the user code and sign in as "
                    + request.account() + ".");
            if (pending.expiresAt > 0) {
                out.println("The code expires at " + text.time(pending.expiresAt) + ".");
            }
        }

        private void browserSteps(Slot slot, TokenRequest request, PendingAuthorization pending) {
            out.println("Authorization address: " + pending.authorizationUrl);
            out.println("Open it in a browser and sign in as " + request.account() + ". A browser on the device "
                    + "completes the sign-in by itself; from another computer, copy the address the browser ends on "
                    + "(http://127.0.0.1:...) and run:");
            out.println("  mfp:complete-token " + slot + " '<redirected address>'");
            if (pending.expiresAt > 0) {
                out.println("The sign-in expires at " + text.time(pending.expiresAt) + ".");
            }
        }

        private void watchToken() {
            Slot slot = slot("Not watched");
            if (slot == null) {
                return;
            }
            try (TokenWatch watch = steps.watch(slot)) {
                TokenStatus status = steps.status(slot);
                watch.seen(status);
                showState(status);
                if (!TokenWatch.finished(status)) {
                    follow(watch, status);
                }
            }
        }

        /**
         * Prints each change of the slot until the retrieval ends (Retrieved, or back to another state with its
         * error), the code expires, or the thread is interrupted; the retrieval itself goes on in the token service.
         */
        private void follow(TokenWatch watch, TokenStatus status) {
            long now = clock.millis();
            long expiresAt = status.authorization != null && status.authorization.expiresAt > 0
                    ? status.authorization.expiresAt : now + DEFAULT_WAIT_MILLIS;
            long deadline = expiresAt + GRACE_MILLIS;
            out.println("Waiting for the sign-in (until " + text.time(expiresAt) + ") ...");
            while (true) {
                long left = deadline - clock.millis();
                TokenStatus next;
                try {
                    next = left > 0 ? watch.next(left) : null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.println("Stopped watching; the retrieval goes on: mfp:tokens shows its state, "
                            + "mfp:cancel-token " + watch.slot() + " cancels it.");
                    return;
                }
                if (next == null) {
                    TokenStatus last = steps.status(watch.slot());
                    if (TokenWatch.finished(last)) {
                        showState(last);
                        outcome(last);
                    } else {
                        out.println("The code expired at " + text.time(expiresAt) + " without a sign-in: run "
                                + "mfp:get-token " + watch.slot() + " again.");
                    }
                    return;
                }
                showState(next);
                if (TokenWatch.finished(next)) {
                    outcome(next);
                    return;
                }
            }
        }

        private void outcome(TokenStatus status) {
            if (status.state == TokenState.RETRIEVED && status.error == null) {
                out.println("Token retrieved.");
                return;
            }
            String why = status.error != null ? status.error.code + ": " + status.error.message
                    : "the slot shows " + PanelText.words(status.state);
            out.println("Token not retrieved: " + why
                    + (status.state == TokenState.RETRIEVED ? " (the previous token stays in use)" : ""));
        }

        private void completeToken() {
            Slot slot = slot("Not completed");
            if (slot == null) {
                return;
            }
            try (TokenWatch watch = steps.watch(slot)) {
                TokenStatus status;
                try {
                    status = steps.completeRetrieval(slot, args.get(1), watch);
                } catch (TokenException e) {
                    out.println("Not completed: " + e.code() + ": " + e.getMessage());
                    return;
                }
                showState(status);
                if (TokenWatch.finished(status)) {
                    outcome(status);
                } else {
                    follow(watch, status);
                }
            }
        }

        private void cancelToken() {
            Slot slot = slot("Not cancelled");
            if (slot == null) {
                return;
            }
            if (steps.status(slot).state != TokenState.AWAITING_AUTHORIZATION) {
                out.println("No retrieval in progress for " + slot + ".");
                out.println(text.stateLine(steps.status(slot)));
                return;
            }
            TokenStatus status = steps.cancelRetrieval(slot);
            out.println("Retrieval cancelled.");
            out.println(text.stateLine(status));
        }

        private void deleteToken() {
            Slot slot = slot("Not deleted");
            if (slot == null) {
                return;
            }
            TokenStatus before = steps.status(slot);
            String question = "Delete the token of " + slot + " (" + text.state(before) + ")?"
                    + (slot.equals(Slot.smtp()) ? " Every SMTP use (scan to e-mail, internet-fax send, notifications)"
                            + " shares it." : "");
            if (!confirm(question, "Not deleted")) {
                return;
            }
            TokenStatus after = steps.delete(slot);
            out.println("Token deleted.");
            out.println(text.stateLine(after));
        }

        // ---- Mail ----

        private void mailTest() {
            boolean smtp = args.get(0).equals("smtp");
            String what = smtp ? "SMTP" : "POP setting " + args.get(1);
            TestResult result;
            try {
                result = smtp ? steps.testSmtp() : steps.testPop(args.get(1));
            } catch (Refused e) {
                out.println(what + " connection test not run: " + e.getMessage());
                return;
            }
            out.println(what + " connection test: " + (result.ok ? "ok" : "failed (" + result.code + ")"));
            reply(result.message, result.serverReply);
        }

        private void send() {
            OutgoingMail message;
            try {
                message = OutgoingMail.builder().to(args.get(0).split(",")).subject(args.get(1))
                        .text(String.join(" ", args.subList(2, args.size()))).build();
            } catch (IllegalArgumentException e) {
                out.println("Not sent: " + e.getMessage());
                return;
            }
            try {
                SentMail sent = steps.send(message);
                out.println("Sent: " + sent.messageId + " to " + String.join(", ", sent.recipients));
            } catch (Refused e) {
                out.println("Not sent: " + e.getMessage());
            } catch (MailException e) {
                out.println("Not sent (" + e.failure().code() + ")");
                reply(e.getMessage(), e.serverReply());
            }
        }

        private void reply(String message, String serverReply) {
            if (message != null) {
                out.println("  " + message);
            }
            if (serverReply != null) {
                out.println("  server reply: " + serverReply);
            }
        }

        private void poll() {
            String id = args.get(0);
            PollResult result;
            try {
                result = steps.poll(id);
            } catch (Refused e) {
                out.println("Not checked: " + e.getMessage());
                return;
            }
            if (result.ok) {
                out.println("POP setting " + id + " checked: " + result.onServer + " on the server, " + result.accepted
                        + " accepted, " + result.refused + " refused, " + result.deleted + " deleted.");
            } else {
                out.println("POP setting " + id + " check failed (" + result.code + ")");
                reply(result.message, null);
            }
        }

        private void messages() {
            String id = args.get(0);
            List<StoredMessage> messages;
            try {
                messages = steps.messages(id);
            } catch (Refused e) {
                out.println("Not listed: " + e.getMessage());
                return;
            }
            if (messages.isEmpty()) {
                out.println("No messages kept for POP setting " + id + ".");
            }
            for (StoredMessage m : messages) {
                out.println(text.dateTime(m.receivedAt) + "  " + m.size + " bytes  from " + m.from + "  \"" + m.subject
                        + "\"  [" + m.id + "]");
            }
        }

        // ---- Helpers ----

        private Slot slot(String refused) {
            try {
                return Slot.parse(args.get(0));
            } catch (IllegalArgumentException e) {
                out.println(refused + ": " + e.getMessage());
                return null;
            }
        }

        /**
         * The manual's confirmation message and [OK]: asks on the session's console unless {@code --yes} was given.
         * Only {@code y} or {@code yes} goes on; no console input refuses, naming {@code --yes}.
         */
        private boolean confirm(String question, String refused) {
            if (yes) {
                return true;
            }
            out.prompt(question + " [y/N] ");
            String answer = out.readLine();
            if (answer == null) {
                out.println("");
                out.println(refused + ": there is no console input to confirm on; run the command again with --yes "
                        + "to confirm in advance.");
                return false;
            }
            String word = answer.trim().toLowerCase(Locale.ROOT);
            if (word.equals("y") || word.equals("yes")) {
                return true;
            }
            out.println(refused + ": not confirmed.");
            return false;
        }

        /** The slot's state line and, when there is one, its last error. */
        private void showState(TokenStatus status) {
            out.println(text.stateLine(status));
            errorLine(status);
        }

        private void errorLine(TokenStatus status) {
            String line = PanelText.errorLine(status);
            if (line != null) {
                out.println(line);
            }
        }
    }

    private static String row(String field, String value) {
        return "  " + field + " ".repeat(Math.max(1, FIELD_WIDTH - field.length())) + value;
    }

    private static String key(Enum<?> value) {
        return value == null ? "-" : value.name().toLowerCase(Locale.ROOT);
    }
}
