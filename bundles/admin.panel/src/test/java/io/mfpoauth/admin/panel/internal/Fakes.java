package io.mfpoauth.admin.panel.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.ServerSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.PendingAuthorization;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

/** Hand-written fakes of the services the panel binds to, and a console with scripted answers. */
final class Fakes {

    /** 10:00 UTC on a fixed day: the times printed are UTC. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC);
    static final long AT_10_42 = Instant.parse("2025-01-01T10:42:00Z").toEpochMilli();
    static final long AT_10_15 = Instant.parse("2025-01-01T10:15:00Z").toEpochMilli();
    /** What no output may ever contain. */
    static final String PASSWORD = "s3cret-Passw0rd";

    private Fakes() {
    }

    /** A console whose answers are scripted; end of script is end of input. */
    static final class ScriptedConsole implements PanelConsole {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final StringBuilder all = new StringBuilder();
        private final Deque<String> answers = new ArrayDeque<>();
        private final Deque<String> secrets = new ArrayDeque<>();
        int questions;

        ScriptedConsole answer(String... lines) {
            answers.addAll(List.of(lines));
            return this;
        }

        ScriptedConsole secret(String secret) {
            secrets.add(secret);
            return this;
        }

        @Override
        public synchronized void println(String line) {
            lines.add(line);
            all.append(line).append('\n');
        }

        @Override
        public synchronized void prompt(String text) {
            questions++;
            lines.add(text);
            all.append(text);
        }

        @Override
        public String readLine() {
            return answers.poll();
        }

        @Override
        public String readSecret(String prompt) {
            prompt(prompt);
            return secrets.poll();
        }

        synchronized String text() {
            return all.toString();
        }
    }

    /** Captures the event handlers the commands register, like the framework's service registry would. */
    static class Handlers implements TokenWatch.Handlers {
        final List<EventHandler> registered = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> properties = new CopyOnWriteArrayList<>();
        volatile int closed;
        final CountDownLatch firstRegistration = new CountDownLatch(1);

        @Override
        public TokenWatch.Registration register(EventHandler handler, Map<String, Object> props) {
            registered.add(handler);
            properties.add(props);
            firstRegistration.countDown();
            return () -> {
                registered.remove(handler);
                closed++;
            };
        }

        /** Posts a status change to every handler registered now, as EventAdmin would. */
        void post(TokenStatus status) {
            Map<String, Object> props = new Hashtable<>();
            props.put(TokenEvents.SLOT, status.slot);
            props.put(TokenEvents.STATE, status.state.name());
            props.put(TokenEvents.STATUS, status);
            Event event = new Event(TokenEvents.TOPIC, props);
            registered.forEach(h -> h.handleEvent(event));
        }
    }

    /** The token service: statuses by slot, and a scripted answer to Get Token. */
    static final class Tokens implements TokenService {
        final Map<String, TokenStatus> statuses = new LinkedHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        volatile TokenStatus startAnswer;
        volatile TokenException startFailure;
        long revision;

        TokenStatus put(TokenStatus status) {
            status.revision = ++revision;
            statuses.put(status.slot, status);
            return status;
        }

        @Override
        public synchronized TokenStatus status(Slot slot) {
            TokenStatus status = statuses.get(slot.name());
            return status != null ? status : Fakes.status(slot.name(), TokenState.NOT_RETRIEVED, null, null);
        }

        @Override
        public synchronized List<TokenStatus> statuses() {
            return new ArrayList<>(statuses.values());
        }

        @Override
        public List<ProviderDTO> providers() {
            return List.of(provider("microsoft", "Microsoft 365 / Exchange Online", Flow.DEVICE_CODE, "office365.com"),
                    provider("google", "Google", Flow.AUTHORIZATION_CODE, "gmail.com"));
        }

        @Override
        public String proposeProvider(String host) {
            return host.endsWith("office365.com") ? "microsoft" : null;
        }

        @Override
        public synchronized TokenStatus startRetrieval(Slot slot, String providerId, String account) throws TokenException {
            calls.add("start " + slot + " " + providerId + " " + account);
            if (startFailure != null) {
                started.countDown();
                throw startFailure;
            }
            TokenStatus status = put(startAnswer);
            started.countDown();
            return status;
        }

        @Override
        public synchronized TokenStatus completeRetrieval(Slot slot, String redirectUrl) throws TokenException {
            calls.add("complete " + slot + " " + redirectUrl);
            return put(Fakes.status(slot.name(), TokenState.RETRIEVED, "microsoft", "scanner@example.com"));
        }

        @Override
        public synchronized TokenStatus cancelRetrieval(Slot slot) {
            calls.add("cancel " + slot);
            return put(Fakes.status(slot.name(), TokenState.NOT_RETRIEVED, null, null));
        }

        @Override
        public synchronized TokenStatus delete(Slot slot) {
            calls.add("delete " + slot);
            return put(Fakes.status(slot.name(), TokenState.NOT_RETRIEVED, null, null));
        }

        @Override
        public AccessToken accessToken(Slot slot) {
            throw new AssertionError("the panel never asks for a token");
        }

        @Override
        public AccessToken rejected(AccessToken rejected) {
            throw new AssertionError("the panel never handles a token");
        }
    }

    /** The settings service: checks the port as the real one does, and keeps the password it was given. */
    static final class Settings implements MailSettings {
        SmtpSettings smtp = new SmtpSettings();
        final Map<String, PopSettings> pops = new LinkedHashMap<>();
        final Map<String, String> storedPasswords = new LinkedHashMap<>();

        @Override
        public SmtpSettings smtp() {
            return copy(smtp);
        }

        @Override
        public SmtpSettings updateSmtp(SmtpSettings settings) throws SettingsException {
            check(settings);
            if (settings.password != null) {
                storedPasswords.put("smtp", settings.password);
            }
            settings.passwordSet = storedPasswords.containsKey("smtp");
            settings.password = null;
            smtp = copy(settings);
            return smtp();
        }

        @Override
        public List<PopSettings> pops() {
            return pops.values().stream().map(Settings::copy).toList();
        }

        @Override
        public PopSettings pop(String id) {
            PopSettings pop = pops.get(id);
            return pop == null ? null : copy(pop);
        }

        @Override
        public PopSettings updatePop(PopSettings settings) throws SettingsException {
            check(settings);
            if (settings.password != null) {
                storedPasswords.put(settings.id, settings.password);
            }
            settings.passwordSet = storedPasswords.containsKey(settings.id);
            settings.password = null;
            pops.put(settings.id, copy(settings));
            return pop(settings.id);
        }

        @Override
        public boolean deletePop(String id) {
            return pops.remove(id) != null;
        }

        @Override
        public void check(SmtpSettings settings) throws SettingsException {
            checkPort(settings.port);
        }

        @Override
        public void check(PopSettings settings) throws SettingsException {
            checkPort(settings.port);
        }

        private static void checkPort(int port) throws SettingsException {
            if (port < 1 || port > 65535) {
                throw new SettingsException("port", "must be between 1 and 65535");
            }
        }

        private static SmtpSettings copy(SmtpSettings s) {
            SmtpSettings c = copyServer(s, new SmtpSettings());
            c.senderName = s.senderName;
            c.senderAddress = s.senderAddress;
            return c;
        }

        private static PopSettings copy(PopSettings s) {
            PopSettings c = copyServer(s, new PopSettings());
            c.id = s.id;
            c.checkIntervalMinutes = s.checkIntervalMinutes;
            c.deleteAfterRetrieval = s.deleteAfterRetrieval;
            c.enabled = s.enabled;
            return c;
        }

        /** What both kinds of setting hold, never the password (the service never returns it). */
        private static <S extends ServerSettings> S copyServer(ServerSettings s, S c) {
            c.server = s.server;
            c.port = s.port;
            c.timeoutSeconds = s.timeoutSeconds;
            c.security = s.security;
            c.authMethod = s.authMethod;
            c.username = s.username;
            c.passwordSet = s.passwordSet;
            c.provider = s.provider;
            c.account = s.account;
            c.oauthMechanism = s.oauthMechanism;
            return c;
        }
    }

    /** The mail services, each possibly absent. */
    static final class Mail implements PanelSteps.MailServices {
        volatile MailSender sender;
        final Map<String, PopMailbox> mailboxes = new LinkedHashMap<>();
        volatile MailArchive archive;

        @Override
        public MailSender sender() {
            return sender;
        }

        @Override
        public PopMailbox mailbox(String popId) {
            return mailboxes.get(popId);
        }

        @Override
        public MailArchive archive() {
            return archive;
        }
    }

    /** SMTP settings for OAuth 2.0 with Microsoft, as the administrator fills them in. */
    static SmtpSettings oauthSmtp() {
        SmtpSettings smtp = new SmtpSettings();
        smtp.server = "smtp.office365.com";
        smtp.senderAddress = "scanner@example.com";
        smtp.authMethod = AuthMethod.OAUTH2;
        smtp.provider = "microsoft";
        smtp.account = "scanner@example.com";
        return smtp;
    }

    static TokenStatus status(String slot, TokenState state, String provider, String account) {
        TokenStatus status = new TokenStatus();
        status.slot = slot;
        status.state = state;
        status.provider = provider;
        status.providerAvailable = true;
        status.account = account;
        if (state == TokenState.RETRIEVED) {
            status.retrievedAt = CLOCK.millis();
            status.expiresAt = AT_10_42;
        }
        return status;
    }

    static TokenStatus awaitingDeviceCode(String slot, long expiresAt) {
        TokenStatus status = status(slot, TokenState.AWAITING_AUTHORIZATION, "microsoft", "scanner@example.com");
        status.authorization = new PendingAuthorization();
        status.authorization.flow = Flow.DEVICE_CODE;
        status.authorization.userCode = "ABCD-EFGH";
        status.authorization.verificationUri = "https://microsoft.com/devicelogin";
        status.authorization.verificationUriComplete = "https://microsoft.com/devicelogin?otc=ABCD-EFGH";
        status.authorization.expiresAt = expiresAt;
        return status;
    }

    static TokenError error(String code, String message, boolean retryable) {
        TokenError error = new TokenError();
        error.code = code;
        error.message = message;
        error.retryable = retryable;
        return error;
    }

    private static ProviderDTO provider(String id, String name, Flow flow, String host) {
        ProviderDTO provider = new ProviderDTO();
        provider.id = id;
        provider.name = name;
        provider.flows = List.of(flow);
        provider.hosts = List.of(host);
        provider.bundle = "io.mfpoauth.provider." + id;
        return provider;
    }
}
