package io.mfpoauth.admin.panel.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SentMail;
import io.mfpoauth.mail.ServerSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.StoredMessage;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenStatus;

/**
 * The panel's steps, without any screen: what the touch panel calls behind its SMTP and POP setting screens, their
 * "Token" display and the [Get Token] and [Delete] keys, and what the console commands call. It never holds or
 * returns a token or a password.
 */
final class PanelSteps {

    /** The mail services that come and go with their bundles and configurations; each may be null. */
    interface MailServices {
        MailSender sender();

        PopMailbox mailbox(String popId);

        MailArchive archive();
    }

    /** What Get Token asks the token service for, taken from the slot's setting. */
    record TokenRequest(Slot slot, String provider, String account) {
    }

    /** A step the device cannot take now; the message says why and what to do. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final String POP_PREFIX = "pop-";

    private final TokenService tokens;
    private final MailSettings settings;
    private final MailServices mail;
    private final TokenWatch.Handlers handlers;

    PanelSteps(TokenService tokens, MailSettings settings, MailServices mail, TokenWatch.Handlers handlers) {
        this.tokens = tokens;
        this.settings = settings;
        this.mail = mail;
        this.handlers = handlers;
    }

    // ---- Settings screens ----

    SmtpSettings smtp() {
        return settings.smtp();
    }

    /** Changes SMTP fields ({@code key=value}, keys as {@link SettingsFields#SMTP}); the password is kept unless given. */
    SmtpSettings changeSmtp(Map<String, String> changes) throws SettingsException {
        SmtpSettings next = settings.smtp();
        next.password = null;
        SettingsFields.SMTP.apply(next, changes);
        return settings.updateSmtp(next);
    }

    List<PopSettings> pops() {
        return settings.pops();
    }

    /** One POP setting, or null. */
    PopSettings pop(String id) {
        return settings.pop(id);
    }

    /** Creates the POP setting {@code id} from the defaults, or changes it. */
    PopSettings changePop(String id, Map<String, String> changes) throws SettingsException {
        checkPopId(id);
        PopSettings current = settings.pop(id);
        PopSettings next = current == null ? new PopSettings() : current;
        next.id = id;
        next.password = null;
        SettingsFields.POP.apply(next, changes);
        return settings.updatePop(next);
    }

    boolean deletePop(String id) {
        return settings.deletePop(id);
    }

    static void checkPopId(String id) throws SettingsException {
        try {
            Slot.pop(id);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("id", "\"" + id + "\" is not a POP setting id: use 1 to 32 of a-z, 0-9 and -");
        }
    }

    // ---- Token display ----

    TokenStatus status(Slot slot) {
        return tokens.status(slot);
    }

    /** {@code smtp}, then every POP setting's slot and every other slot the token service holds, by name. */
    List<TokenStatus> statuses() {
        Map<String, TokenStatus> pops = new TreeMap<>();
        for (PopSettings pop : settings.pops()) {
            Slot slot = Slot.pop(pop.id);
            pops.put(slot.name(), tokens.status(slot));
        }
        TokenStatus smtp = null;
        for (TokenStatus status : tokens.statuses()) {
            if (Slot.SMTP_NAME.equals(status.slot)) {
                smtp = status;
            } else {
                pops.put(status.slot, status);
            }
        }
        List<TokenStatus> all = new ArrayList<>();
        all.add(smtp != null ? smtp : tokens.status(Slot.smtp()));
        all.addAll(pops.values());
        return all;
    }

    /** Whether a POP slot's setting is gone (its token then serves nothing). */
    boolean orphaned(TokenStatus status) {
        return status.slot.startsWith(POP_PREFIX) && settings.pop(popId(status.slot)) == null;
    }

    List<ProviderDTO> providers() {
        return tokens.providers();
    }

    /** The provider proposed for a mail server's host name, or null. */
    ProviderDTO propose(String host) {
        String id = tokens.proposeProvider(host);
        return id == null ? null : provider(id);
    }

    ProviderDTO provider(String id) {
        return tokens.providers().stream().filter(p -> p.id.equals(id)).findFirst().orElse(null);
    }

    // ---- Get Token, Delete ----

    /**
     * Get Token's first step: the provider and account of the slot's setting, as the screen holds them.
     *
     * @throws SettingsException naming the field to fill in when the setting does not use OAuth 2.0 or lacks a
     *         provider or an account, or when the POP setting does not exist
     */
    TokenRequest tokenRequest(Slot slot) throws SettingsException {
        String what;
        String change;
        ServerSettings setting;
        if (slot.equals(Slot.smtp())) {
            setting = settings.smtp();
            what = "the SMTP settings";
            change = "mfp:smtp-set";
        } else {
            String id = popId(slot.name());
            setting = settings.pop(id);
            if (setting == null) {
                throw new SettingsException("id", "there is no POP setting \"" + id + "\": create it with mfp:pop-set "
                        + id + " server=<host> authMethod=oauth2 provider=<provider id> account=<mailbox address>");
            }
            what = "POP setting " + id;
            change = "mfp:pop-set " + id;
        }
        AuthMethod method = setting.authMethod;
        String provider = setting.provider;
        String account = setting.account;
        if (method != AuthMethod.OAUTH2) {
            throw new SettingsException("authMethod", what + " use " + (method == null ? "no" : method.key())
                    + " authentication, not OAuth 2.0: choose it with " + change + " authMethod=oauth2");
        }
        if (provider == null || provider.isBlank()) {
            throw new SettingsException("provider", what + " name no provider: choose one with " + change
                    + " provider=<provider id> (mfp:providers lists them)");
        }
        if (account == null || account.isBlank()) {
            throw new SettingsException("account", what + " have no account name: enter the mailbox address with "
                    + change + " account=<mailbox address>");
        }
        return new TokenRequest(slot, provider, account);
    }

    /**
     * Starts watching the slot: for a panel screen that shows the token display live, and for Get Token (which opens
     * the watch before it starts the retrieval, so that no change is missed). Close it when the screen goes away.
     */
    TokenWatch watch(Slot slot) {
        return TokenWatch.open(slot, handlers);
    }

    /**
     * Get Token after the administrator confirmed: starts the retrieval; {@code watch} (of the same slot, opened
     * before) then brings every change.
     *
     * @return the slot's status, normally Awaiting authorization with what to do next
     */
    TokenStatus startRetrieval(TokenRequest request, TokenWatch watch) throws TokenException {
        TokenStatus status = tokens.startRetrieval(request.slot(), request.provider(), request.account());
        watch.seen(status);
        return status;
    }

    /** Completes a browser sign-in with the address the browser was sent back to. */
    TokenStatus completeRetrieval(Slot slot, String redirectedAddress, TokenWatch watch) throws TokenException {
        TokenStatus status = tokens.completeRetrieval(slot, redirectedAddress);
        watch.seen(status);
        return status;
    }

    TokenStatus cancelRetrieval(Slot slot) {
        return tokens.cancelRetrieval(slot);
    }

    /** Delete after the administrator confirmed; the slot then shows Not retrieved. */
    TokenStatus delete(Slot slot) {
        return tokens.delete(slot);
    }

    // ---- Mail ----

    TestResult testSmtp() throws Refused {
        return sender().test();
    }

    TestResult testPop(String id) throws Refused {
        return mailbox(id).test();
    }

    SentMail send(OutgoingMail message) throws Refused, MailException {
        return sender().send(message);
    }

    PollResult poll(String id) throws Refused {
        return mailbox(id).poll();
    }

    List<StoredMessage> messages(String id) throws Refused {
        MailArchive archive = mail.archive();
        if (archive == null) {
            throw new Refused("No mail archive is running: the bundle io.mfpoauth.mail.pop is not active");
        }
        return archive.messages(id);
    }

    private MailSender sender() throws Refused {
        MailSender sender = mail.sender();
        if (sender == null) {
            throw new Refused("No mail sender is running: the bundle io.mfpoauth.mail.smtp is not active");
        }
        return sender;
    }

    private PopMailbox mailbox(String id) throws Refused {
        PopMailbox mailbox = mail.mailbox(id);
        if (mailbox != null) {
            return mailbox;
        }
        if (settings.pop(id) == null) {
            throw new Refused("There is no POP setting \"" + id + "\" (mfp:pop lists them)");
        }
        throw new Refused("The mailbox of POP setting " + id + " is not running: the bundle io.mfpoauth.mail.pop is "
                + "not active");
    }

    static String popId(String slotName) {
        return slotName.substring(POP_PREFIX.length());
    }
}
