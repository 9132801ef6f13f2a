package io.mfpoauth.token.service.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.service.internal.Replies.DeviceAnswer;
import io.mfpoauth.token.service.internal.Replies.TokenAnswer;
import io.mfpoauth.token.service.internal.SlotState.Cached;
import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.service.internal.http.LoopbackRedirectListener;
import io.mfpoauth.token.service.internal.http.OAuthHttp;
import io.mfpoauth.token.service.internal.http.Urls;
import io.mfpoauth.token.service.internal.store.StoreUnreadableException;
import io.mfpoauth.token.service.internal.store.TokenRecord;
import io.mfpoauth.token.service.internal.store.TokenStore;
import io.mfpoauth.token.spi.ErrorVerdict.Kind;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;

/**
 * The token service's logic, free of OSGi so it can be tested with a fake clock and scheduler.
 *
 * <p>Concurrency: each slot has its own lock ({@link SlotState}); no network call is made while holding it, except
 * the store's file writes. The lock-free fast path of {@link #accessToken} reads one volatile field. Timed work
 * runs on the shared {@link TaskScheduler}.
 */
public final class TokenEngine implements TokenService, AutoCloseable {

    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    static final String REDIRECT_PATH = "/oauth2/callback";
    private static final long SLOW_DOWN_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A token this close to its expiry is not handed out: the mail exchange that uses it takes time too. */
    private static final long EXPIRY_GUARD_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * A token renewed because a mail server refused the old one, and refused in turn within this time, is a
     * refusal to report (the account or its mailbox permissions), not a reason to renew again. Later, the same
     * token may simply have been revoked since: then it is renewed once more.
     */
    private static final long REJECTION_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final Pattern ACCOUNT = Pattern.compile("[^\\s@]{1,64}@[^\\s@]{1,253}");

    private final EngineSettings settings;
    private final TokenStore store;
    private final OAuthHttp http;
    private final Ticker ticker;
    private final TaskScheduler scheduler;
    private final StatusSink sink;
    private final Log log;
    private final SecureRandom random = new SecureRandom();
    private final Discovery discovery;
    private final ConcurrentMap<Slot, SlotState> slots = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ProviderEntry> providers = new ConcurrentHashMap<>();
    private LoopbackRedirectListener listener; // guarded by this
    private volatile boolean closed;

    /** A provider service and the bundle that registered it. */
    public record ProviderEntry(OAuthProvider provider, String bundle) {
    }

    public TokenEngine(EngineSettings settings, TokenStore store, OAuthHttp http, Ticker ticker,
            TaskScheduler scheduler, StatusSink sink, Log log) {
        this.settings = settings;
        this.store = store;
        this.http = http;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.sink = sink;
        this.log = log;
        this.discovery = new Discovery(http, ticker);
    }

    /** Loads every stored slot. A record that cannot be read marks its slot and never stops the others. */
    public void open() {
        List<String> names;
        try {
            names = store.slots();
        } catch (IOException e) {
            log.warn("The token store cannot be listed; starting with no tokens", e);
            names = List.of();
        }
        for (String name : names) {
            if (!Slot.isValid(name)) {
                continue;
            }
            SlotState s = slot(Slot.parse(name));
            synchronized (s) {
                try {
                    TokenRecord r = store.load(name);
                    if (r != null) {
                        s.record = r;
                        s.cached = restore(s.slot, r);
                        scheduleRefresh(s);
                    }
                } catch (IOException e) {
                    s.unreadable = error(TokenError.STORE_UNREADABLE, "The stored token of " + name
                            + " cannot be read (damaged, or written with another device key). Delete it and Get Token again.",
                            false);
                    log.warn("Stored token of slot " + name + " is unreadable: " + e.getMessage(), null);
                }
                publish(s);
            }
        }
        SlotState smtp = slot(Slot.smtp());
        synchronized (smtp) {
            if (smtp.status == null) {
                publish(smtp);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (SlotState s : slots.values()) {
            synchronized (s) {
                s.cancelRefreshTask();
                if (s.retrieval != null) {
                    s.retrieval.cancelTask();
                }
                if (s.refreshing != null) {
                    s.refreshing.completeExceptionally(new TokenException(TokenException.STOPPED,
                            "The token service is stopping.", true));
                }
            }
        }
        synchronized (this) {
            if (listener != null) {
                listener.close();
                listener = null;
            }
        }
    }

    // ---------------------------------------------------------------- providers

    /** A provider service arrived. Slots waiting for it (their tokens kept while it was away) work again. */
    public void addProvider(OAuthProvider provider, String bundle) {
        String id = provider.id();
        ProviderEntry previous = providers.putIfAbsent(id, new ProviderEntry(provider, bundle));
        if (previous != null) {
            log.warn("Provider id '" + id + "' of bundle " + bundle + " is already registered by " + previous.bundle()
                    + "; ignored", null);
            return;
        }
        log.info("Provider '" + id + "' available");
        for (SlotState s : slots.values()) {
            synchronized (s) {
                if (s.record != null && id.equals(s.record.provider())) {
                    if (s.error != null && TokenError.PROVIDER_MISSING.equals(s.error.code)) {
                        s.error = null;
                        s.nextAttemptNanos = ticker.nanoTime();
                    }
                    scheduleRefresh(s);
                    publish(s);
                }
            }
        }
    }

    /** A provider service went away: its retrievals end, its slots keep their tokens and show it missing. */
    public void removeProvider(OAuthProvider provider) {
        String id = provider.id();
        ProviderEntry current = providers.get(id);
        if (current == null || current.provider() != provider) {
            return; // a duplicate id that was ignored when it arrived
        }
        providers.remove(id, current);
        log.info("Provider '" + id + "' removed");
        for (SlotState s : slots.values()) {
            synchronized (s) {
                boolean changed = false;
                if (s.retrieval != null && s.retrieval.provider == provider) {
                    endRetrieval(s, error(TokenError.CANCELLED, "The provider '" + id
                            + "' was removed while the token was being obtained. Press Get Token again once it is installed.",
                            false));
                    changed = true;
                }
                if (s.record != null && id.equals(s.record.provider())) {
                    changed = true;
                }
                if (changed) {
                    publish(s);
                }
            }
        }
        later(this::stopListenerIfIdle, 0);
    }

    @Override
    public List<ProviderDTO> providers() {
        List<ProviderDTO> out = new ArrayList<>();
        for (ProviderEntry e : providers.values()) {
            ProviderDTO d = new ProviderDTO();
            OAuthProvider p = e.provider();
            d.id = p.id();
            d.name = p.displayName();
            d.flows = List.copyOf(p.flows());
            d.hosts = p.mailHosts().stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).sorted().toList();
            d.bundle = e.bundle();
            out.add(d);
        }
        out.sort(Comparator.comparing(d -> d.id));
        return out;
    }

    @Override
    public String proposeProvider(String mailServerHost) {
        if (mailServerHost == null) {
            return null;
        }
        String host = mailServerHost.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("\\.+$", "");
        for (String candidate = host; candidate.indexOf('.') > 0;
                candidate = candidate.substring(candidate.indexOf('.') + 1)) {
            for (ProviderDTO p : providers()) {
                if (p.hosts.contains(candidate)) {
                    return p.id;
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- status

    @Override
    public TokenStatus status(Slot slot) {
        SlotState s = slots.get(Objects.requireNonNull(slot, "slot"));
        if (s == null || s.status == null) {
            // Not stored in the map: a status query must not grow memory for any name a client invents.
            TokenStatus t = new TokenStatus();
            t.slot = slot.name();
            t.state = TokenState.NOT_RETRIEVED;
            return t;
        }
        return s.status;
    }

    @Override
    public List<TokenStatus> statuses() {
        Map<String, TokenStatus> out = new java.util.TreeMap<>();
        out.put(Slot.SMTP_NAME, status(Slot.smtp()));
        for (SlotState s : slots.values()) {
            TokenStatus t = s.status;
            if (t != null && (t.state != TokenState.NOT_RETRIEVED || t.error != null || s.slot.equals(Slot.smtp()))) {
                out.put(t.slot, t);
            }
        }
        return new ArrayList<>(out.values());
    }

    // ---------------------------------------------------------------- Get Token

    @Override
    public TokenStatus startRetrieval(Slot slot, String providerId, String account) throws TokenException {
        ensureOpen();
        Objects.requireNonNull(slot, "slot");
        if (account == null || !ACCOUNT.matcher(account.trim()).matches()) {
            throw new TokenException(TokenException.BAD_ACCOUNT,
                    "The account name must be the mailbox address, like name@example.com.", false);
        }
        String mailbox = account.trim();
        ProviderEntry entry = providerId == null ? null : providers.get(providerId);
        SlotState s = slot(slot);
        if (entry == null) {
            throw fail(s, new Failure(Kind.CONFIGURATION, TokenError.PROVIDER_MISSING,
                    "The provider '" + providerId + "' is not installed.", 0));
        }
        OAuthProvider provider = entry.provider();
        List<String> scopes = provider.scopes(slot.protocol());
        if (scopes == null || scopes.isEmpty()) {
            throw fail(s, new Failure(Kind.CONFIGURATION, TokenException.UNSUPPORTED,
                    "The provider '" + providerId + "' does not serve " + slot.protocol() + ".", 0));
        }
        ProviderEndpoints endpoints = endpoints(s, provider);
        List<Flow> flows = provider.flows();
        Flow flow = flows == null || flows.isEmpty() ? null : flows.get(0);
        if (flow == Flow.DEVICE_CODE && endpoints.deviceAuthorization() != null) {
            return startDevice(s, provider, endpoints, mailbox, scopes);
        }
        if (flow == Flow.AUTHORIZATION_CODE && endpoints.authorization() != null) {
            return startBrowser(s, provider, endpoints, mailbox, scopes);
        }
        throw fail(s, Failure.configuration(TokenException.UNSUPPORTED, "The provider '" + providerId
                + "' has no endpoint for the flow it names (" + flow + "): check its settings."));
    }

    private ProviderEndpoints endpoints(SlotState s, OAuthProvider provider) throws TokenException {
        try {
            return resolve(provider);
        } catch (ProviderException e) {
            throw fail(s, Failure.of(e));
        } catch (IllegalArgumentException e) {
            throw fail(s, Failure.configuration(TokenError.CONFIGURATION, e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("Provider '" + provider.id() + "' failed to give its endpoints", e);
            throw fail(s, Failure.configuration(TokenError.CONFIGURATION,
                    "The provider '" + provider.id() + "' could not give its endpoints: check its settings."));
        }
    }

    private TokenStatus startDevice(SlotState s, OAuthProvider provider, ProviderEndpoints endpoints, String account,
            List<String> scopes) throws TokenException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", provider.clientId());
        form.put("scope", String.join(" ", scopes));
        addSecret(form, provider);
        DeviceAnswer answer;
        try {
            HttpReply reply = http.postForm(endpoints.deviceAuthorization(), form);
            answer = Replies.deviceCode(reply, provider, provider.clientSecret());
        } catch (IOException e) {
            throw fail(s, network(e));
        }
        if (answer.failure() != null) {
            throw fail(s, answer.failure());
        }
        Retrieval r = Retrieval.device(provider, endpoints, account, scopes, answer.code(), ticker.nanoTime(),
                ticker.currentTimeMillis());
        synchronized (s) {
            replaceRetrieval(s, r);
            r.task = later(() -> poll(s, r), r.intervalNanos);
            log.info("Get Token started for " + s.slot + " with provider '" + provider.id() + "' (device code)");
            return publish(s);
        }
    }

    /** One poll of the token endpoint (RFC 8628 §3.4), then the next one an interval after its answer. */
    void poll(SlotState s, Retrieval r) {
        synchronized (s) {
            if (s.retrieval != r || closed) {
                return;
            }
            r.task = null;
            if (ticker.nanoTime() - r.deadlineNanos >= 0) {
                endRetrieval(s, error("expired_token", Replies.standardMessage("expired_token", null), false));
                publish(s);
                return;
            }
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_GRANT);
        form.put("device_code", r.deviceCode.deviceCode());
        form.put("client_id", r.provider.clientId());
        addSecret(form, r.provider);
        TokenAnswer answer;
        try {
            HttpReply reply = http.postForm(r.endpoints.token(), form);
            answer = Replies.token(reply, r.provider, r.deviceCode.deviceCode(), r.provider.clientSecret());
        } catch (IOException e) {
            answer = new TokenAnswer(null, network(e), null);
        }
        synchronized (s) {
            if (s.retrieval != r || closed) {
                return; // cancelled, deleted or replaced while the request was out
            }
            if (answer.grant() != null) {
                finishRetrieval(s, r, answer.grant());
                return;
            }
            long wait = r.intervalNanos;
            if (Replies.SLOW_DOWN.equals(answer.pending())) {
                r.intervalNanos += SLOW_DOWN_NANOS;
                wait = r.intervalNanos;
            } else if (answer.failure() != null) {
                Failure f = answer.failure();
                if (!f.retryable()) {
                    endRetrieval(s, f.toError(ticker.currentTimeMillis()));
                    log.info("Get Token for " + s.slot + " ended: " + f.code());
                    publish(s);
                    return;
                }
                // A network fault or a busy server does not end the attempt; wait at least one interval.
                wait = Math.max(wait, f.retryAfterNanos());
                s.error = f.toError(ticker.currentTimeMillis());
                publish(s);
            } else if (s.error != null && s.error.retryable) {
                s.error = null;
                publish(s);
            }
            r.task = later(() -> poll(s, r), wait);
        }
    }

    private TokenStatus startBrowser(SlotState s, OAuthProvider provider, ProviderEndpoints endpoints, String account,
            List<String> scopes) throws TokenException {
        URI redirect;
        try {
            redirect = ensureListener();
        } catch (IOException e) {
            throw fail(s, Failure.configuration(TokenError.CONFIGURATION,
                    "The device cannot open its loopback port for the browser sign-in: " + e.getMessage()));
        }
        String state = randomToken(24);
        String verifier = randomToken(48);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", provider.clientId());
        q.put("redirect_uri", redirect.toString());
        q.put("scope", String.join(" ", scopes));
        q.put("state", state);
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        q.put("login_hint", account);
        provider.authorizationParameters().forEach(q::putIfAbsent);
        String base = endpoints.authorization().toString();
        String url = base + (base.contains("?") ? "&" : "?") + formEncode(q);
        Retrieval r = Retrieval.browser(provider, endpoints, account, scopes, url, state, verifier, redirect,
                settings.browserFlowTimeout().toNanos(), ticker.nanoTime(), ticker.currentTimeMillis());
        synchronized (s) {
            replaceRetrieval(s, r);
            r.task = later(() -> expireBrowser(s, r), settings.browserFlowTimeout().toNanos());
            log.info("Get Token started for " + s.slot + " with provider '" + provider.id() + "' (browser)");
            return publish(s);
        }
    }

    private void expireBrowser(SlotState s, Retrieval r) {
        synchronized (s) {
            if (s.retrieval != r) {
                return;
            }
            endRetrieval(s, error("expired_token", "The browser sign-in was not completed in time. Press Get Token to try again.", false));
            publish(s);
        }
        stopListenerIfIdle();
    }

    @Override
    public TokenStatus completeRetrieval(Slot slot, String redirectUrl) throws TokenException {
        ensureOpen();
        SlotState s = slots.get(Objects.requireNonNull(slot, "slot"));
        Retrieval r = null;
        if (s != null) {
            synchronized (s) {
                r = s.retrieval;
            }
        }
        if (s == null || r == null || r.flow != Flow.AUTHORIZATION_CODE) {
            throw new TokenException(TokenException.NO_RETRIEVAL,
                    "There is no browser sign-in in progress for " + slot + ". Press Get Token first.", false);
        }
        Map<String, String> query;
        try {
            query = parseQuery(URI.create(Objects.requireNonNull(redirectUrl, "redirectUrl").trim()).getRawQuery());
        } catch (RuntimeException e) {
            throw new TokenException(TokenError.STATE_MISMATCH,
                    "That is not the address the browser was sent to after the sign-in.", false);
        }
        return completeBrowser(s, r, query);
    }

    private TokenStatus completeBrowser(SlotState s, Retrieval r, Map<String, String> query) throws TokenException {
        String state = query.get("state");
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                r.state.getBytes(StandardCharsets.UTF_8))) {
            // The retrieval stays open: the administrator may still paste the right address.
            throw new TokenException(TokenError.STATE_MISMATCH,
                    "The address does not belong to this sign-in (its state does not match). Paste the address of the latest sign-in.",
                    false);
        }
        String error = query.get("error");
        if (error != null) {
            String code = Replies.safeCode(error);
            Failure f = new Failure(Kind.GRANT_UNUSABLE, code,
                    Replies.standardMessage(code, Replies.clean(query.get("error_description"), 300)), 0);
            synchronized (s) {
                if (s.retrieval == r) {
                    endRetrieval(s, f.toError(ticker.currentTimeMillis()));
                    publish(s);
                }
            }
            later(this::stopListenerIfIdle, 0);
            throw f.toException();
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            throw new TokenException(TokenError.STATE_MISMATCH,
                    "The address has no authorization code: paste the whole address the browser shows.", false);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", r.redirectUri.toString());
        form.put("client_id", r.provider.clientId());
        form.put("code_verifier", r.verifier);
        addSecret(form, r.provider);
        TokenAnswer answer;
        try {
            answer = Replies.token(http.postForm(r.endpoints.token(), form), r.provider, code, r.verifier,
                    r.provider.clientSecret());
        } catch (IOException e) {
            answer = new TokenAnswer(null, network(e), null);
        }
        try {
            synchronized (s) {
                if (s.retrieval != r) {
                    throw new TokenException(TokenError.CANCELLED, "The sign-in was cancelled meanwhile.", false);
                }
                if (answer.grant() != null) {
                    finishRetrieval(s, r, answer.grant());
                    return s.status;
                }
                Failure f = answer.failure() != null ? answer.failure()
                        : Failure.transientFault(TokenError.MALFORMED_RESPONSE, "The provider answered the code exchange with a device-flow answer.");
                // An authorization code is single-use: whatever failed, this sign-in is over.
                endRetrieval(s, f.toError(ticker.currentTimeMillis()));
                publish(s);
                throw f.toException();
            }
        } finally {
            later(this::stopListenerIfIdle, 0);
        }
    }

    /** The loopback listener's handler: the browser on the device itself arrived with the redirect. */
    String onRedirect(URI uri) {
        Map<String, String> query = parseQuery(uri.getRawQuery());
        String state = query.get("state");
        for (SlotState s : slots.values()) {
            Retrieval r;
            synchronized (s) {
                r = s.retrieval;
            }
            if (r != null && r.flow == Flow.AUTHORIZATION_CODE && state != null && MessageDigest.isEqual(
                    state.getBytes(StandardCharsets.UTF_8), r.state.getBytes(StandardCharsets.UTF_8))) {
                try {
                    completeBrowser(s, r, query);
                    return "The token was obtained. You can close this window.";
                } catch (TokenException e) {
                    return "The token could not be obtained: " + e.getMessage();
                }
            }
        }
        return "This sign-in is not expected by the device (it may have expired). Press Get Token again.";
    }

    @Override
    public TokenStatus cancelRetrieval(Slot slot) {
        SlotState s = slots.get(Objects.requireNonNull(slot, "slot"));
        if (s == null) {
            return status(slot);
        }
        synchronized (s) {
            if (s.retrieval != null) {
                endRetrieval(s, null);
                log.info("Get Token for " + slot + " cancelled");
                publish(s);
            }
        }
        later(this::stopListenerIfIdle, 0);
        return status(slot);
    }

    /** Stores the new token, then makes it current. Called with the slot's lock held. */
    private void finishRetrieval(SlotState s, Retrieval r, Grant g) {
        long now = ticker.nanoTime();
        long wall = ticker.currentTimeMillis();
        TokenRecord record = new TokenRecord(s.slot.name(), r.providerId, r.account, g.refreshToken(),
                g.accessToken(), wall + g.expiresInSeconds() * 1000, wall, g.scope(), false, null, null);
        try {
            store.save(record);
        } catch (IOException e) {
            log.warn("The new token of " + s.slot + " could not be stored", e);
            endRetrieval(s, error(TokenError.STORE_FAILED, "The token was obtained but could not be stored ("
                    + e.getMessage() + "). The previous state is kept; press Get Token to try again.", false));
            publish(s);
            return;
        }
        r.cancelTask();
        s.retrieval = null;
        s.record = record;
        s.unsaved = false;
        s.unsavedCached = null;
        s.unreadable = null;
        s.error = null;
        s.generation++;
        s.failures = 0;
        s.nextAttemptNanos = now;
        s.lastForced = null;
        s.cached = cache(s.slot, record, now, g.expiresInSeconds());
        scheduleRefresh(s);
        log.info("Token retrieved for " + s.slot + " from provider '" + r.providerId + "'");
        publish(s);
    }

    private void replaceRetrieval(SlotState s, Retrieval r) {
        if (s.retrieval != null) {
            s.retrieval.cancelTask();
        }
        s.retrieval = r;
        s.error = null;
    }

    /** Ends a retrieval; the slot shows the state its stored token gives. Called with the slot's lock held. */
    private void endRetrieval(SlotState s, TokenError why) {
        if (s.retrieval != null) {
            s.retrieval.cancelTask();
            s.retrieval = null;
        }
        s.error = why;
    }

    // ---------------------------------------------------------------- delete

    @Override
    public TokenStatus delete(Slot slot) {
        SlotState s = slot(Objects.requireNonNull(slot, "slot"));
        TokenRecord old;
        synchronized (s) {
            old = s.record;
            endRetrieval(s, null);
            try {
                store.delete(slot.name());
            } catch (IOException e) {
                // Nothing can use the token any more (it is gone from memory); the file is retried at the next delete.
                log.warn("The stored token of " + slot + " could not be erased", e);
            }
            s.record = null;
            s.unsaved = false;
            s.unsavedCached = null;
            s.unreadable = null;
            s.cached = null;
            s.generation++;
            s.failures = 0;
            s.lastForced = null;
            s.cancelRefreshTask();
            log.info("Token of " + slot + " deleted");
            publish(s);
        }
        later(this::stopListenerIfIdle, 0);
        if (old != null) {
            later(() -> revoke(old), 0);
        }
        return status(slot);
    }

    /** Best-effort revocation (RFC 7009) of a deleted token; its failure changes nothing on the device. */
    private void revoke(TokenRecord old) {
        ProviderEntry e = providers.get(old.provider());
        if (e == null) {
            return;
        }
        String token = old.refreshToken() != null ? old.refreshToken() : old.accessToken();
        if (token == null) {
            return;
        }
        try {
            ProviderEndpoints endpoints = resolve(e.provider());
            if (endpoints.revocation() == null) {
                return;
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("token", token);
            form.put("token_type_hint", old.refreshToken() != null ? "refresh_token" : "access_token");
            form.put("client_id", e.provider().clientId());
            addSecret(form, e.provider());
            HttpReply reply = http.postForm(endpoints.revocation(), form);
            log.info("Revocation of the deleted token of " + old.slot() + " answered HTTP " + reply.status());
        } catch (Exception ex) {
            log.warn("Revocation of the deleted token of " + old.slot() + " failed; the token is deleted on the device", null);
        }
    }

    // ---------------------------------------------------------------- access tokens and refresh

    @Override
    public AccessToken accessToken(Slot slot) throws TokenException {
        SlotState s = slots.get(slot);
        if (s != null) {
            Cached c = s.cached;
            if (c != null && ticker.nanoTime() - c.refreshAtNanos() < 0) {
                return c.token();
            }
        } else {
            throw notRetrieved(slot);
        }
        return obtain(s, null);
    }

    @Override
    public AccessToken rejected(AccessToken rejected) throws TokenException {
        SlotState s = slots.get(Objects.requireNonNull(rejected, "rejected").slot());
        if (s == null) {
            throw notRetrieved(rejected.slot());
        }
        return obtain(s, rejected);
    }

    private AccessToken obtain(SlotState s, AccessToken rejected) throws TokenException {
        CompletableFuture<AccessToken> flight;
        boolean leader = false;
        synchronized (s) {
            ensureOpen();
            usable(s);
            long now = ticker.nanoTime();
            Cached c = s.cached;
            if (rejected == null) {
                if (c != null && now - c.refreshAtNanos() < 0) {
                    return c.token();
                }
                if (s.record.refreshToken() == null) {
                    if (c != null && now - c.expiresAtNanos() + EXPIRY_GUARD_NANOS < 0) {
                        return c.token();
                    }
                    markInvalid(s, TokenError.EXPIRED, "The token expired and the provider gave no refresh token"
                            + " to renew it. Delete it and Get Token again.");
                    throw new TokenException(s.error);
                }
                if (s.refreshing == null && now - s.nextAttemptNanos < 0) {
                    // Backing off after a failure: use the old token while it lasts, without asking again.
                    if (c != null && now - c.expiresAtNanos() + EXPIRY_GUARD_NANOS < 0) {
                        return c.token();
                    }
                    throw new TokenException(s.error != null ? s.error
                            : error(TokenError.NETWORK, "The token is being renewed; try again shortly.", true));
                }
            } else {
                if (c != null && !c.token().equals(rejected)) {
                    return c.token(); // someone else's report already brought a new token
                }
                if (rejected.equals(s.lastForced) && now - s.lastForcedNanos < REJECTION_WINDOW_NANOS) {
                    s.error = error(TokenError.REJECTED_BY_SERVER, "The mail server rejected a freshly renewed token:"
                            + " check that the account name is the mailbox the token was obtained for and that it may use this protocol.",
                            false);
                    publish(s);
                    throw new TokenException(s.error);
                }
                if (s.record.refreshToken() == null) {
                    markInvalid(s, TokenError.EXPIRED, "The mail server rejected the token and there is no refresh"
                            + " token to renew it. Delete it and Get Token again.");
                    throw new TokenException(s.error);
                }
            }
            if (s.refreshing == null) {
                s.refreshing = new CompletableFuture<>();
                leader = true;
            }
            flight = s.refreshing;
        }
        if (leader) {
            refresh(s, flight, rejected != null);
        }
        try {
            return flight.get(settings.waitForRefresh().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            TokenException te = e.getCause() instanceof TokenException ? (TokenException) e.getCause()
                    : new TokenException(TokenError.NETWORK, "The token could not be renewed.", true);
            Cached c = s.cached;
            if (rejected == null && te.retryable() && c != null
                    && ticker.nanoTime() - c.expiresAtNanos() + EXPIRY_GUARD_NANOS < 0) {
                return c.token();
            }
            throw te;
        } catch (TimeoutException e) {
            throw new TokenException(TokenError.NETWORK, "Renewing the token takes too long; try again shortly.", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(TokenException.STOPPED, "Interrupted while the token was renewed.", true);
        }
    }

    /** The one refresh request of a flight, made by its leader; the others wait on {@code flight}. */
    private void refresh(SlotState s, CompletableFuture<AccessToken> flight, boolean forced) {
        TokenRecord record;
        long generation;
        synchronized (s) {
            record = s.record;
            generation = s.generation;
            if (s.unsaved) {
                // The last refresh's rotated token is only in memory: store it before anything else.
                try {
                    store.save(record);
                    s.unsaved = false;
                    s.error = null;
                    s.failures = 0;
                    Cached pending = s.unsavedCached;
                    s.unsavedCached = null;
                    if (!forced && pending != null && ticker.nanoTime() - pending.refreshAtNanos() < 0) {
                        s.cached = pending;
                        scheduleRefresh(s);
                        publish(s);
                        land(s, flight, pending.token());
                        return;
                    }
                } catch (IOException e) {
                    failFlight(s, flight, Failure.transientFault(TokenError.STORE_FAILED,
                            "The renewed token could not be stored (" + e.getMessage() + "); retrying."));
                    return;
                }
            }
        }
        ProviderEntry entry = providers.get(record.provider());
        if (entry == null) {
            synchronized (s) {
                s.error = error(TokenError.PROVIDER_MISSING, "The provider '" + record.provider()
                        + "' is not installed; the token is kept and works again when it returns.", true);
                publish(s);
                land(s, flight, null);
                flight.completeExceptionally(new TokenException(s.error));
            }
            return;
        }
        OAuthProvider provider = entry.provider();
        TokenAnswer answer;
        try {
            ProviderEndpoints endpoints = resolve(provider);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", record.refreshToken());
            form.put("client_id", provider.clientId());
            List<String> scopes = provider.scopes(s.slot.protocol());
            if (scopes != null && !scopes.isEmpty()) {
                form.put("scope", String.join(" ", scopes));
            }
            addSecret(form, provider);
            HttpReply reply = http.postForm(endpoints.token(), form);
            answer = Replies.token(reply, provider, record.refreshToken(), record.accessToken(), provider.clientSecret());
        } catch (IOException e) {
            answer = new TokenAnswer(null, network(e), null);
        } catch (ProviderException e) {
            answer = new TokenAnswer(null, Failure.of(e), null);
        } catch (RuntimeException e) {
            log.warn("Refreshing the token of " + s.slot + " failed in provider '" + provider.id() + "'", e);
            answer = new TokenAnswer(null, Failure.configuration(TokenError.CONFIGURATION,
                    "The provider '" + provider.id() + "' failed: " + e.getClass().getSimpleName()), null);
        }
        synchronized (s) {
            if (s.generation != generation || s.record == null) {
                land(s, flight, null);
                flight.completeExceptionally(new TokenException(TokenError.CANCELLED,
                        "The token was deleted or replaced while it was being renewed.", false));
                return;
            }
            if (answer.grant() != null) {
                applyRefresh(s, flight, answer.grant(), forced);
                return;
            }
            Failure f = answer.failure() != null ? answer.failure()
                    : Failure.transientFault(TokenError.MALFORMED_RESPONSE,
                            "The provider answered a refresh with a device-flow answer; retrying.");
            if (f.kind() == Kind.GRANT_UNUSABLE) {
                markInvalid(s, f.code(), f.message());
                land(s, flight, null);
                flight.completeExceptionally(f.toException());
                return;
            }
            failFlight(s, flight, f);
        }
    }

    /** Stores the renewed token (the rotated refresh token first of all), then hands out the access token. */
    private void applyRefresh(SlotState s, CompletableFuture<AccessToken> flight, Grant g, boolean forced) {
        long now = ticker.nanoTime();
        long wall = ticker.currentTimeMillis();
        TokenRecord updated = s.record.withAccess(g.accessToken(), wall + g.expiresInSeconds() * 1000);
        if (g.refreshToken() != null) {
            updated = updated.withRefreshToken(g.refreshToken());
        }
        s.record = updated;
        Cached cached = cache(s.slot, updated, now, g.expiresInSeconds());
        try {
            store.save(updated);
            s.unsaved = false;
        } catch (IOException e) {
            // Kept in memory (the old refresh token may already be spent) and saved again before its access
            // token is used; meanwhile the old access token serves until it expires.
            s.unsaved = true;
            s.unsavedCached = cached;
            log.warn("The renewed token of " + s.slot + " could not be stored", e);
            failFlight(s, flight, Failure.transientFault(TokenError.STORE_FAILED,
                    "The renewed token could not be stored (" + e.getMessage() + "); retrying."));
            return;
        }
        s.cached = cached;
        s.error = null;
        s.failures = 0;
        s.nextAttemptNanos = now;
        if (forced) {
            s.lastForced = cached.token();
            s.lastForcedNanos = now;
        }
        scheduleRefresh(s);
        log.debug("Token of " + s.slot + " renewed");
        publish(s);
        land(s, flight, cached.token());
    }

    /** A refresh failed but the token stays: show the error, back off, try again in the background. */
    private void failFlight(SlotState s, CompletableFuture<AccessToken> flight, Failure f) {
        long now = ticker.nanoTime();
        s.failures++;
        long wait = f.kind() == Kind.CONFIGURATION ? settings.retryMax().toNanos() : backoff(s.failures);
        wait = Math.max(wait, Math.min(f.retryAfterNanos(), TimeUnit.HOURS.toNanos(1)));
        s.nextAttemptNanos = now + wait;
        s.error = f.toError(ticker.currentTimeMillis());
        s.cancelRefreshTask();
        s.refreshTask = later(() -> background(s), wait);
        log.info("Renewing the token of " + s.slot + " failed (" + f.code() + "); next try in "
                + TimeUnit.NANOSECONDS.toSeconds(wait) + " s");
        publish(s);
        land(s, flight, null);
        flight.completeExceptionally(f.toException());
    }

    private void land(SlotState s, CompletableFuture<AccessToken> flight, AccessToken token) {
        if (s.refreshing == flight) {
            s.refreshing = null;
        }
        if (token != null) {
            flight.complete(token);
        }
    }

    /** Exponential backoff from retryMin to retryMax with ±20% jitter, so many devices do not retry in step. */
    long backoff(int failures) {
        long min = settings.retryMin().toNanos();
        long max = settings.retryMax().toNanos();
        long base = min << Math.min(Math.max(failures - 1, 0), 20);
        if (base <= 0 || base > max) {
            base = max;
        }
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return (long) (base * jitter);
    }

    private void markInvalid(SlotState s, String code, String message) {
        s.error = error(code, message, false);
        s.cached = null;
        s.cancelRefreshTask();
        TokenRecord invalid = s.record.withInvalid(code, message);
        s.record = invalid;
        try {
            store.save(invalid);
            s.unsaved = false;
        } catch (IOException e) {
            log.warn("The Invalid state of " + s.slot + " could not be stored", e);
        }
        log.info("Token of " + s.slot + " is Invalid: " + code);
        publish(s);
    }

    /** Schedules the next background renewal: at the refresh time, or at expiry when it cannot be renewed. */
    private void scheduleRefresh(SlotState s) {
        s.cancelRefreshTask();
        if (closed || s.record == null || s.record.invalid()) {
            return;
        }
        Cached c = s.cached;
        long now = ticker.nanoTime();
        long due;
        if (c == null) {
            due = Math.max(now, s.nextAttemptNanos);
        } else if (s.record.refreshToken() == null) {
            due = c.expiresAtNanos() - EXPIRY_GUARD_NANOS;
        } else {
            due = c.refreshAtNanos();
        }
        s.refreshTask = later(() -> background(s), due - now);
    }

    /** A timed renewal: keeps tokens fresh (and refresh tokens alive) while no mail is sent. */
    private void background(SlotState s) {
        if (closed) {
            return;
        }
        synchronized (s) {
            s.refreshTask = null;
            if (s.record == null || s.record.invalid() || !providers.containsKey(s.record.provider())) {
                if (s.record != null && !s.record.invalid()) {
                    s.error = error(TokenError.PROVIDER_MISSING, "The provider '" + s.record.provider()
                            + "' is not installed; the token is kept and works again when it returns.", true);
                    publish(s);
                }
                return;
            }
        }
        try {
            obtain(s, null);
        } catch (TokenException e) {
            // Already recorded on the slot, with the next try scheduled where one is due.
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A provider's endpoints, completed by discovery, each checked to be https (or loopback).
     *
     * @throws IllegalArgumentException when an endpoint is not allowed
     */
    private ProviderEndpoints resolve(OAuthProvider provider) throws ProviderException {
        ProviderEndpoints e = discovery.resolve(provider.endpoints());
        for (URI u : new URI[] {e.token(), e.deviceAuthorization(), e.authorization(), e.revocation()}) {
            if (u != null) {
                Urls.requireSecure(u);
            }
        }
        return e;
    }

    /** Schedules on the shared scheduler; after close nothing new is started (the pool is gone). */
    private TaskScheduler.Task later(Runnable work, long delayNanos) {
        if (closed) {
            return () -> { };
        }
        try {
            return scheduler.schedule(work, delayNanos);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> { };
        }
    }

    private SlotState slot(Slot slot) {
        return slots.computeIfAbsent(slot, SlotState::new);
    }

    private void usable(SlotState s) throws TokenException {
        if (s.record == null) {
            if (s.unreadable != null) {
                throw new TokenException(s.unreadable);
            }
            throw notRetrieved(s.slot);
        }
        if (s.record.invalid()) {
            throw new TokenException(TokenException.INVALID, "The token of " + s.slot + " is Invalid ("
                    + s.record.invalidCode() + "): delete it and Get Token again.", false);
        }
    }

    private static TokenException notRetrieved(Slot slot) {
        return new TokenException(TokenException.NOT_RETRIEVED,
                "No token has been obtained for " + slot + ": press Get Token.", false);
    }

    private void ensureOpen() throws TokenException {
        if (closed) {
            throw new TokenException(TokenException.STOPPED, "The token service is stopping.", true);
        }
    }

    /** Records a failed first step of Get Token on the slot and returns the exception for the caller. */
    private TokenException fail(SlotState s, Failure f) {
        synchronized (s) {
            s.error = f.toError(ticker.currentTimeMillis());
            publish(s);
        }
        return f.toException();
    }

    private Failure network(IOException e) {
        return Failure.transientFault(TokenError.NETWORK, "The provider cannot be reached ("
                + Replies.clean(String.valueOf(e.getMessage()), 200) + "); the device will retry by itself.");
    }

    private TokenError error(String code, String message, boolean retryable) {
        TokenError e = new TokenError();
        e.code = code;
        e.message = message;
        e.retryable = retryable;
        e.at = ticker.currentTimeMillis();
        return e;
    }

    private Cached cache(Slot slot, TokenRecord r, long now, long lifetimeSeconds) {
        long life = TimeUnit.SECONDS.toNanos(lifetimeSeconds);
        return new Cached(new AccessToken(slot, r.account(), r.accessToken(), r.accessExpiresAt()),
                now + life - settings.marginFor(life), now + life);
    }

    /**
     * The access token of a record read at start-up. Only the wall clock spans a restart, so its remaining life is
     * taken from it once and then kept on the monotonic clock.
     */
    private Cached restore(Slot slot, TokenRecord r) {
        if (r.invalid() || r.accessToken() == null) {
            return null;
        }
        long remainingMillis = r.accessExpiresAt() - ticker.currentTimeMillis();
        if (remainingMillis <= 0) {
            return null;
        }
        long now = ticker.nanoTime();
        long remaining = TimeUnit.MILLISECONDS.toNanos(remainingMillis);
        long lifetime = TimeUnit.MILLISECONDS.toNanos(Math.max(remainingMillis, r.accessExpiresAt() - r.retrievedAt()));
        return new Cached(new AccessToken(slot, r.account(), r.accessToken(), r.accessExpiresAt()),
                now + remaining - settings.marginFor(lifetime), now + remaining);
    }

    /** Makes and sends a new status snapshot. Called with the slot's lock held. */
    private TokenStatus publish(SlotState s) {
        TokenStatus t = new TokenStatus();
        t.slot = s.slot.name();
        t.revision = ++s.revision;
        Retrieval r = s.retrieval;
        TokenRecord rec = s.record;
        if (r != null) {
            t.state = TokenState.AWAITING_AUTHORIZATION;
            t.provider = r.providerId;
            t.account = r.account;
            t.authorization = copy(r.shown);
        } else if (rec == null) {
            t.state = s.unreadable != null ? TokenState.INVALID : TokenState.NOT_RETRIEVED;
        } else {
            t.state = rec.invalid() ? TokenState.INVALID : TokenState.RETRIEVED;
        }
        if (r == null && rec != null) {
            t.provider = rec.provider();
            t.account = rec.account();
        }
        if (rec != null) {
            t.retrievedAt = rec.retrievedAt();
            t.expiresAt = rec.invalid() || rec.accessToken() == null ? 0 : rec.accessExpiresAt();
        }
        t.providerAvailable = t.provider != null && providers.containsKey(t.provider);
        t.error = s.error != null ? s.error : s.unreadable;
        s.status = t;
        try {
            sink.changed(t);
        } catch (RuntimeException e) {
            log.warn("A status listener failed", e);
        }
        return t;
    }

    private static io.mfpoauth.token.PendingAuthorization copy(io.mfpoauth.token.PendingAuthorization p) {
        io.mfpoauth.token.PendingAuthorization c = new io.mfpoauth.token.PendingAuthorization();
        c.flow = p.flow;
        c.userCode = p.userCode;
        c.verificationUri = p.verificationUri;
        c.verificationUriComplete = p.verificationUriComplete;
        c.message = p.message;
        c.authorizationUrl = p.authorizationUrl;
        c.expiresAt = p.expiresAt;
        return c;
    }

    private synchronized URI ensureListener() throws IOException {
        if (listener == null) {
            listener = LoopbackRedirectListener.start(settings.redirectPort(), REDIRECT_PATH, this::onRedirect);
        }
        return listener.redirectUri();
    }

    /** The loopback port is open only while a browser sign-in waits for it. */
    synchronized void stopListenerIfIdle() {
        if (listener == null) {
            return;
        }
        for (SlotState s : slots.values()) {
            synchronized (s) {
                if (s.retrieval != null && s.retrieval.flow == Flow.AUTHORIZATION_CODE) {
                    return;
                }
            }
        }
        listener.close();
        listener = null;
    }

    private static void addSecret(Map<String, String> form, OAuthProvider provider) {
        String secret = provider.clientSecret();
        if (secret != null && !secret.isEmpty()) {
            form.put("client_secret", secret);
        }
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The PKCE S256 code challenge (RFC 7636 §4.2). */
    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    static String formEncode(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return b.toString();
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&", 50)) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
