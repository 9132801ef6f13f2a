package io.mfpoauth.token.service.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenError;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.service.internal.FakeAuthServer.Reply;
import io.mfpoauth.token.service.internal.http.HttpSettings;
import io.mfpoauth.token.service.internal.http.JdkOAuthHttp;
import io.mfpoauth.token.service.internal.store.EncryptedFileStore;
import io.mfpoauth.token.service.internal.store.FileKeyProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token state machine and its protocol handling, against a scripted server, with a fake clock and scheduler:
 * every wait is virtual, so timings are asserted exactly.
 */
class TokenEngineTest {
    static final Slot SMTP = Slot.smtp();
    static final Slot POP = Slot.pop("fax");
    static final String ACCOUNT = "scanner@example.test";

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final List<TokenStatus> events = Collections.synchronizedList(new ArrayList<>());
    final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    FakeAuthServer server;
    RecordingStore store;
    JdkOAuthHttp http;
    TestProvider device;
    TestProvider browser;
    TokenEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeAuthServer(clock);
        device = new TestProvider("dev", Flow.DEVICE_CODE, server);
        browser = new TestProvider("web", Flow.AUTHORIZATION_CODE, server);
        http = new JdkOAuthHttp(new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 65536, null, 0));
        engine = newEngine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
        http.close();
        server.close();
    }

    TokenEngine newEngine() throws Exception {
        store = new RecordingStore(new EncryptedFileStore(dir.resolve("tokens"), new FileKeyProvider(dir.resolve("device.key"))));
        TokenEngine e = new TokenEngine(EngineSettings.defaults(), store, http, clock, clock, events::add, new Log() {
            @Override
            public void info(String message) {
                logLines.add(message);
            }

            @Override
            public void warn(String message, Throwable cause) {
                logLines.add(message + (cause == null ? "" : " " + cause));
            }

            @Override
            public void debug(String message) {
                logLines.add(message);
            }
        });
        e.addProvider(device, "test.bundle");
        e.addProvider(browser, "test.bundle");
        e.open();
        return e;
    }

    static Reply deviceCode(int interval, int expiresIn) {
        return Reply.json(200, "{\"device_code\":\"DEVICE-CODE-CANARY\",\"user_code\":\"WDJB-MJHT\","
                + "\"verification_uri\":\"https://login.example.test/device\","
                + "\"verification_uri_complete\":\"https://login.example.test/device?user_code=WDJB-MJHT\","
                + "\"expires_in\":" + expiresIn + ",\"interval\":" + interval + "}");
    }

    static Reply token(String access, String refresh, int expiresIn) {
        return Reply.json(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                + (refresh == null ? "" : ",\"refresh_token\":\"" + refresh + "\"") + "}");
    }

    static Reply oauthError(int status, String error) {
        return Reply.json(status, "{\"error\":\"" + error + "\",\"error_description\":\"described " + error + "\"}");
    }

    /** Get Token through the device flow, answered at the first poll. */
    void retrieve(Slot slot, String access, String refresh, int expiresIn) throws Exception {
        server.script("/device", deviceCode(5, 900));
        server.script("/token", token(access, refresh, expiresIn));
        engine.startRetrieval(slot, "dev", ACCOUNT);
        clock.advance(Duration.ofSeconds(5));
        assertThat(engine.status(slot).state).isEqualTo(TokenState.RETRIEVED);
    }

    List<TokenState> statesOf(Slot slot) {
        synchronized (events) {
            return events.stream().filter(e -> e.slot.equals(slot.name())).map(e -> e.state).toList();
        }
    }

    // ------------------------------------------------------------------ device authorization grant (RFC 8628)

    @Test
    void deviceFlowPollsAtTheIntervalAndSlowsDownByFiveSecondsEachTime() throws Exception {
        server.script("/device", deviceCode(5, 900));
        server.script("/token", oauthError(400, "authorization_pending"), oauthError(400, "authorization_pending"),
                oauthError(400, "slow_down"), oauthError(400, "authorization_pending"), oauthError(400, "slow_down"),
                token("AT-1", "RT-1", 3600));
        long t0 = clock.nanoTime();

        TokenStatus awaiting = engine.startRetrieval(SMTP, "dev", ACCOUNT);

        assertThat(awaiting.state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
        assertThat(awaiting.authorization.userCode).isEqualTo("WDJB-MJHT");
        assertThat(awaiting.authorization.verificationUri).isEqualTo("https://login.example.test/device");
        assertThat(awaiting.authorization.verificationUriComplete).contains("user_code=WDJB-MJHT");
        assertThat(awaiting.authorization.expiresAt).isEqualTo(clock.currentTimeMillis() + 900_000);
        assertThat(server.requests("/device").get(0).form()).containsEntry("client_id", "device-client")
                .containsEntry("scope", "mail.smtp offline_access");

        clock.advance(Duration.ofSeconds(120));

        List<Long> pollTimes = server.requests("/token").stream().map(r -> (r.atNanos() - t0) / 1_000_000_000L).toList();
        // 5 s interval; slow_down at 15 s makes it 10 s, at 35 s makes it 15 s (RFC 8628 §3.5).
        assertThat(pollTimes).containsExactly(5L, 10L, 15L, 25L, 35L, 50L);
        assertThat(server.requests("/token").get(0).form()).containsEntry("grant_type", TokenEngine.DEVICE_GRANT)
                .containsEntry("device_code", "DEVICE-CODE-CANARY");
        TokenStatus done = engine.status(SMTP);
        assertThat(done.state).isEqualTo(TokenState.RETRIEVED);
        assertThat(done.authorization).isNull();
        assertThat(done.provider).isEqualTo("dev");
        assertThat(done.account).isEqualTo(ACCOUNT);
        assertThat(done.expiresAt).isEqualTo(done.retrievedAt + 3_600_000);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        assertThat(statesOf(SMTP)).containsSubsequence(TokenState.NOT_RETRIEVED, TokenState.AWAITING_AUTHORIZATION,
                TokenState.RETRIEVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_denied", "authorization_declined", "expired_token", "bad_verification_code"})
    void deviceFlowAnswersThatEndTheAttempt(String error) throws Exception {
        server.script("/device", deviceCode(5, 900));
        server.script("/token", oauthError(400, "authorization_pending"), oauthError(400, error));
        engine.startRetrieval(POP, "dev", ACCOUNT);

        clock.advance(Duration.ofSeconds(60));

        TokenStatus s = engine.status(POP);
        assertThat(s.state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(s.error.code).isEqualTo(error);
        assertThat(s.error.retryable).isFalse();
        assertThat(s.error.message).isNotBlank();
        assertThat(server.requests("/token")).hasSize(2);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void deviceFlowKeepsPollingThroughNetworkAndServerFaults() throws Exception {
        server.script("/device", deviceCode(5, 900));
        server.script("/token", Reply.json(503, "<html>down</html>").header("Retry-After", "20"),
                new Reply(502, "<html>bad gateway</html>", "text/html", Map.of(), 0),
                Reply.json(200, "not json"), token("AT-1", "RT-1", 3600));
        long t0 = clock.nanoTime();
        engine.startRetrieval(SMTP, "dev", ACCOUNT);

        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
        assertThat(engine.status(SMTP).error.retryable).isTrue();

        clock.advance(Duration.ofSeconds(60));
        List<Long> pollTimes = server.requests("/token").stream().map(r -> (r.atNanos() - t0) / 1_000_000_000L).toList();
        assertThat(pollTimes).containsExactly(5L, 25L, 30L, 35L); // Retry-After 20 s honoured, never below the interval
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.status(SMTP).error).isNull();
    }

    @Test
    void deviceCodeThatExpiresEndsTheAttempt() throws Exception {
        server.script("/device", deviceCode(5, 30));
        server.fallback("/token", f -> oauthError(400, "authorization_pending"));
        engine.startRetrieval(SMTP, "dev", ACCOUNT);

        clock.advance(Duration.ofSeconds(40));

        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(engine.status(SMTP).error.code).isEqualTo("expired_token");
        assertThat(server.requests("/token")).hasSizeLessThanOrEqualTo(6);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void failedDeviceCodeRequestIsAClearErrorAndChangesNothing() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/device", oauthError(400, "invalid_client"));

        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "dev", ACCOUNT)).isInstanceOf(TokenException.class)
                .hasMessageContaining("client id");

        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.status(SMTP).error.code).isEqualTo("invalid_client");
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
    }

    @Test
    void badRequestsToStartAreRefused() {
        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "dev", "not an address"))
                .isInstanceOf(TokenException.class).extracting(e -> ((TokenException) e).code())
                .isEqualTo(TokenException.BAD_ACCOUNT);
        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "nobody", ACCOUNT))
                .isInstanceOf(TokenException.class).extracting(e -> ((TokenException) e).code())
                .isEqualTo(TokenError.PROVIDER_MISSING);
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
    }

    @Test
    void aNewGetTokenKeepsTheOldTokenInUseUntilItSucceedsAndCancelRestoresIt() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/device", deviceCode(5, 900));
        server.fallback("/token", f -> oauthError(400, "authorization_pending"));

        engine.startRetrieval(SMTP, "dev", "other@example.test");
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");

        engine.cancelRetrieval(SMTP);
        clock.runDue();
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.status(SMTP).account).isEqualTo(ACCOUNT);
        assertThat(clock.pending()).isEqualTo(1); // only the refresh timer is left
    }

    // ------------------------------------------------------------------ browser flow (RFC 7636)

    @Test
    void browserFlowWithTheRightStateIsCompletedByPastingTheAddress() throws Exception {
        server.script("/token", token("AT-B", "RT-B", 3600));
        TokenStatus awaiting = engine.startRetrieval(SMTP, "web", ACCOUNT);
        assertThat(awaiting.state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
        URI auth = URI.create(awaiting.authorization.authorizationUrl);
        Map<String, String> q = TokenEngine.parseQuery(auth.getRawQuery());
        assertThat(auth.getPath()).isEqualTo("/authorize");
        assertThat(q).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsEntry("access_type", "offline").containsEntry("login_hint", ACCOUNT)
                .containsKeys("state", "code_challenge", "redirect_uri");
        assertThat(q.get("redirect_uri")).startsWith("http://127.0.0.1:").endsWith(TokenEngine.REDIRECT_PATH);

        String redirected = q.get("redirect_uri") + "?code=AUTH-CODE&state=" + q.get("state");
        TokenStatus done = engine.completeRetrieval(SMTP, redirected);

        assertThat(done.state).isEqualTo(TokenState.RETRIEVED);
        Map<String, String> exchange = server.requests("/token").get(0).form();
        assertThat(exchange).containsEntry("grant_type", "authorization_code").containsEntry("code", "AUTH-CODE")
                .containsEntry("redirect_uri", q.get("redirect_uri"));
        assertThat(TokenEngine.challenge(exchange.get("code_verifier"))).isEqualTo(q.get("code_challenge"));
        assertThat(exchange.get("code_verifier")).hasSizeBetween(43, 128);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-B");
    }

    @Test
    void browserFlowWithAWrongStateIsRejectedAndStaysOpen() throws Exception {
        TokenStatus awaiting = engine.startRetrieval(SMTP, "web", ACCOUNT);
        String redirect = TokenEngine.parseQuery(URI.create(awaiting.authorization.authorizationUrl).getRawQuery())
                .get("redirect_uri");

        assertThatThrownBy(() -> engine.completeRetrieval(SMTP, redirect + "?code=AUTH-CODE&state=forged"))
                .isInstanceOf(TokenException.class).extracting(e -> ((TokenException) e).code())
                .isEqualTo(TokenError.STATE_MISMATCH);
        assertThatThrownBy(() -> engine.completeRetrieval(SMTP, "::not a url::"))
                .isInstanceOf(TokenException.class);

        assertThat(server.requests("/token")).isEmpty();
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
    }

    @Test
    void browserFlowIsCompletedByTheRedirectReachingTheDevicesLoopbackListener() throws Exception {
        server.script("/token", token("AT-L", "RT-L", 3600));
        TokenStatus awaiting = engine.startRetrieval(POP, "web", ACCOUNT);
        Map<String, String> q = TokenEngine.parseQuery(URI.create(awaiting.authorization.authorizationUrl).getRawQuery());

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(q.get("redirect_uri") + "?code=AUTH-CODE&state=" + q.get("state"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("token was obtained");
        assertThat(engine.status(POP).state).isEqualTo(TokenState.RETRIEVED);
        clock.runDue(); // the listener closes once no browser sign-in waits
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(q.get("redirect_uri"))).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void browserFlowDeniedByTheUserEndsTheAttempt() throws Exception {
        TokenStatus awaiting = engine.startRetrieval(SMTP, "web", ACCOUNT);
        Map<String, String> q = TokenEngine.parseQuery(URI.create(awaiting.authorization.authorizationUrl).getRawQuery());

        assertThatThrownBy(() -> engine.completeRetrieval(SMTP, q.get("redirect_uri") + "?error=access_denied&state=" + q.get("state")))
                .isInstanceOf(TokenException.class);

        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(engine.status(SMTP).error.code).isEqualTo("access_denied");
    }

    // ------------------------------------------------------------------ refresh

    @Test
    void aCachedValidTokenCostsNoRequest() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        int before = server.requests.size();
        for (int i = 0; i < 1000; i++) {
            assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        }
        assertThat(server.requests).hasSize(before);
    }

    @Test
    void theBackgroundRenewsBeforeExpiryWithTheDocumentedMargin() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", token("AT-2", "RT-2", 3600));
        long retrieved = clock.nanoTime();

        clock.advance(Duration.ofSeconds(3600 - 300 - 1));
        assertThat(server.requests("/token")).hasSize(1);
        clock.advance(Duration.ofSeconds(1));

        List<FakeAuthServer.Request> refreshes = server.requests("/token");
        assertThat(refreshes).hasSize(2);
        assertThat(refreshes.get(1).atNanos() - retrieved).isEqualTo(Duration.ofSeconds(3300).toNanos());
        assertThat(refreshes.get(1).form()).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "RT-1");
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-2");
        assertThat(store.saved.get(store.saved.size() - 1).refreshToken()).isEqualTo("RT-2");
    }

    @Test
    void thousandConcurrentCallersOnAnExpiringTokenCauseExactlyOneRefresh() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        AtomicInteger refreshes = new AtomicInteger();
        server.fallback("/token", f -> {
            refreshes.incrementAndGet();
            return token("AT-2", "RT-2", 3600).delayed(300);
        });
        clock.skip(Duration.ofSeconds(3590)); // past the refresh time, before the background timer runs

        int callers = 1000;
        CountDownLatch start = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    seen.add(engine.accessToken(SMTP).value());
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }

        assertThat(failures).isEmpty();
        assertThat(refreshes.get()).isEqualTo(1);
        assertThat(seen).containsExactly("AT-2");
        clock.runDue(); // the background timer finds a fresh token and asks nothing
        assertThat(refreshes.get()).isEqualTo(1);
    }

    @Test
    void aRotatedRefreshTokenIsStoredBeforeTheNewAccessTokenIsHandedOut() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", token("AT-2", "RT-2", 3600));
        store.failSaves = 1;
        clock.skip(Duration.ofSeconds(3400));

        // The rotated token could not be stored: the new access token is withheld, the old one still serves.
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        assertThat(engine.status(SMTP).error.code).isEqualTo(TokenError.STORE_FAILED);
        assertThat(store.load("smtp").refreshToken()).isEqualTo("RT-1");

        clock.advance(Duration.ofSeconds(10)); // the retry stores it, without spending RT-2 on a new request
        assertThat(store.load("smtp").refreshToken()).isEqualTo("RT-2");
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-2");
        assertThat(server.requests("/token")).hasSize(2);
        assertThat(engine.status(SMTP).error).isNull();
    }

    @Test
    void withoutARotatedRefreshTokenTheOldOneIsKept() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", token("AT-2", null, 3600), token("AT-3", null, 3600));
        clock.advance(Duration.ofSeconds(3300));
        clock.advance(Duration.ofSeconds(3300));
        assertThat(server.requests("/token").get(2).form()).containsEntry("refresh_token", "RT-1");
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-3");
    }

    @Test
    void aShortLivedTokenIsRenewedAtThreeQuartersOfItsLife() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 60);
        server.script("/token", token("AT-2", "RT-2", 60));
        long t = clock.nanoTime();
        clock.advance(Duration.ofSeconds(50));
        assertThat(server.requests("/token").get(1).atNanos() - t).isEqualTo(Duration.ofSeconds(45).toNanos());
    }

    // ------------------------------------------------------------------ verdicts

    @ParameterizedTest
    @ValueSource(strings = {"invalid_grant", "interaction_required"})
    void onlyTheProvidersVerdictMakesATokenInvalid(String error) throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", oauthError(400, error));

        clock.advance(Duration.ofSeconds(3300));

        TokenStatus s = engine.status(SMTP);
        assertThat(s.state).isEqualTo(TokenState.INVALID);
        assertThat(s.error.code).isEqualTo(error);
        assertThat(s.error.message).contains("described " + error);
        assertThatThrownBy(() -> engine.accessToken(SMTP)).isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).code()).isEqualTo(TokenException.INVALID);
        assertThat(store.load("smtp").invalid()).isTrue();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void transientFaultsLeaveTheTokenRetrievedAndRetryWithBackoff() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        events.clear();
        server.script("/token", new Reply(500, "<html>oops</html>", "text/html", Map.of(), 0),
                Reply.json(503, "{}").header("Retry-After", "120"), Reply.json(429, "{}"),
                oauthError(400, "temporarily_unavailable"), Reply.json(200, "{\"truncated\":"),
                token("AT-2", "RT-2", 3600));

        clock.advance(Duration.ofSeconds(3300 + 1000));

        List<TokenStatus> seen;
        synchronized (events) {
            seen = new ArrayList<>(events);
        }
        assertThat(seen).allMatch(e -> e.state == TokenState.RETRIEVED);
        assertThat(seen).extracting(e -> e.error == null ? "none" : e.error.code + (e.error.retryable ? "" : "!"))
                .containsExactly(TokenError.SERVER_ERROR, TokenError.SERVER_ERROR, TokenError.RATE_LIMITED,
                        "temporarily_unavailable", TokenError.MALFORMED_RESPONSE, "none");
        List<FakeAuthServer.Request> r = server.requests("/token");
        assertThat(r).hasSize(7);
        // Exponential backoff from 5 s (±20% jitter), and Retry-After honoured.
        long[] gaps = new long[5];
        for (int i = 0; i < 5; i++) {
            gaps[i] = Duration.ofNanos(r.get(i + 2).atNanos() - r.get(i + 1).atNanos()).toMillis();
        }
        assertThat(gaps[0]).isBetween(4_000L, 6_000L);
        assertThat(gaps[1]).isEqualTo(120_000L);
        assertThat(gaps[2]).isBetween(16_000L, 24_000L);
        assertThat(gaps[3]).isBetween(32_000L, 48_000L);
        assertThat(gaps[4]).isBetween(64_000L, 96_000L);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-2");
    }

    @Test
    void aNetworkFailureNeverInvalidatesAndTheOldTokenServesUntilExpiry() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.close(); // the provider is unreachable from now on
        clock.advance(Duration.ofSeconds(3300));

        TokenStatus s = engine.status(SMTP);
        assertThat(s.state).isEqualTo(TokenState.RETRIEVED);
        assertThat(s.error.code).isEqualTo(TokenError.NETWORK);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");

        clock.advance(Duration.ofSeconds(400)); // now expired
        assertThatThrownBy(() -> engine.accessToken(SMTP)).isInstanceOf(TokenException.class)
                .matches(e -> ((TokenException) e).retryable());
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
    }

    @Test
    void aConfigurationErrorIsShownAsSuchAndKeepsTheToken() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", oauthError(401, "invalid_client"));
        clock.advance(Duration.ofSeconds(3300));

        TokenStatus s = engine.status(SMTP);
        assertThat(s.state).isEqualTo(TokenState.RETRIEVED);
        assertThat(s.error.code).isEqualTo("invalid_client");
        assertThat(s.error.retryable).isFalse();
        assertThat(s.error.message).contains("client id");
    }

    @Test
    void aTokenThatExpiresWithoutARefreshTokenBecomesInvalid() throws Exception {
        retrieve(SMTP, "AT-1", null, 600);
        clock.advance(Duration.ofSeconds(580));
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        clock.advance(Duration.ofSeconds(20));
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.INVALID);
        assertThat(engine.status(SMTP).error.code).isEqualTo(TokenError.EXPIRED);
    }

    @Test
    void aRejectedTokenForcesOneRefreshAndASecondRejectionIsReported() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", token("AT-2", "RT-2", 3600));
        AccessToken first = engine.accessToken(SMTP);

        AccessToken second = engine.rejected(first);
        assertThat(second.value()).isEqualTo("AT-2");
        assertThat(engine.rejected(first).value()).isEqualTo("AT-2"); // a late report of the old token: no new request
        assertThat(server.requests("/token")).hasSize(2);

        assertThatThrownBy(() -> engine.rejected(second)).isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).code()).isEqualTo(TokenError.REJECTED_BY_SERVER);
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);

        // Much later the same token is refused again (revoked meanwhile?): that is worth one more renewal.
        clock.skip(Duration.ofMinutes(3));
        server.script("/token", oauthError(400, "invalid_grant"));
        assertThatThrownBy(() -> engine.rejected(second)).isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).code()).isEqualTo("invalid_grant");
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.INVALID);
    }

    @Test
    void aWallClockJumpNeitherExpiresNorProlongsAToken() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        clock.jumpWallClock(Duration.ofDays(2));
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        assertThat(server.requests("/token")).hasSize(1);

        clock.jumpWallClock(Duration.ofDays(-4));
        server.script("/token", token("AT-2", "RT-2", 3600));
        clock.advance(Duration.ofSeconds(3300));
        assertThat(server.requests("/token")).hasSize(2);
    }

    // ------------------------------------------------------------------ slots, store, delete

    @Test
    void smtpIsOneSharedSlotAndEachPopSlotIsIndependent() throws Exception {
        retrieve(SMTP, "AT-S", "RT-S", 3600);
        retrieve(POP, "AT-P", "RT-P", 3600);
        assertThat(engine.accessToken(Slot.parse("smtp")).value()).isEqualTo("AT-S");
        assertThat(engine.accessToken(Slot.pop("fax")).value()).isEqualTo("AT-P");
        assertThat(engine.status(Slot.pop("other")).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThatThrownBy(() -> engine.accessToken(Slot.pop("other"))).isInstanceOf(TokenException.class);

        engine.delete(POP);
        assertThat(engine.status(POP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.statuses()).extracting(s -> s.slot).containsExactly("smtp");
    }

    @Test
    void aRetrievedTokenSurvivesARestartAndRenewsWhenDue() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        engine.close();
        clock.advance(Duration.ofSeconds(100));

        engine = newEngine();
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");

        server.script("/token", token("AT-2", "RT-2", 3600));
        clock.advance(Duration.ofSeconds(3200));
        assertThat(server.requests("/token").get(1).form()).containsEntry("refresh_token", "RT-1");
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-2");
    }

    @Test
    void aCorruptRecordShowsOnItsSlotAndNeverStopsTheService() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        retrieve(POP, "AT-P", "RT-P", 3600);
        engine.close();
        Path file = dir.resolve("tokens").resolve("pop-fax.token");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(file, bytes);

        engine = newEngine();

        TokenStatus pop = engine.status(POP);
        assertThat(pop.state).isEqualTo(TokenState.INVALID);
        assertThat(pop.error.code).isEqualTo(TokenError.STORE_UNREADABLE);
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1");
        assertThatThrownBy(() -> engine.accessToken(POP)).isInstanceOf(TokenException.class);

        retrieve(POP, "AT-P2", "RT-P2", 3600); // a new Get Token replaces it
        assertThat(engine.status(POP).error).isNull();
    }

    @Test
    void deleteErasesRevokesAndShowsNotRetrievedEvenIfRevocationFails() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/revoke", new Reply(500, "<html>down</html>", "text/html", Map.of(), 0));

        TokenStatus s = engine.delete(SMTP);
        clock.runDue();

        assertThat(s.state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(s.provider).isNull();
        assertThat(Files.exists(dir.resolve("tokens").resolve("smtp.token"))).isFalse();
        assertThat(server.requests("/revoke")).hasSize(1);
        assertThat(server.requests("/revoke").get(0).form()).containsEntry("token_type_hint", "refresh_token");
        assertThatThrownBy(() -> engine.accessToken(SMTP)).isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).code()).isEqualTo(TokenException.NOT_RETRIEVED);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void deleteWhileAwaitingCancelsThePolling() throws Exception {
        server.script("/device", deviceCode(5, 900));
        server.fallback("/token", f -> oauthError(400, "authorization_pending"));
        engine.startRetrieval(SMTP, "dev", ACCOUNT);

        engine.delete(SMTP);
        clock.advance(Duration.ofSeconds(60));

        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(server.requests("/token")).isEmpty();
    }

    @Test
    void deletingAnInvalidTokenReturnsToNotRetrieved() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/token", oauthError(400, "invalid_grant"));
        clock.advance(Duration.ofSeconds(3300));
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.INVALID);

        assertThat(engine.delete(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(engine.delete(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
    }

    // ------------------------------------------------------------------ providers coming and going

    @Test
    void removingAProviderCancelsItsRetrievalAndKeepsItsTokensForItsReturn() throws Exception {
        retrieve(SMTP, "AT-1", "RT-1", 3600);
        server.script("/device", deviceCode(5, 900));
        server.fallback("/token", f -> oauthError(400, "authorization_pending"));
        engine.startRetrieval(POP, "dev", ACCOUNT);

        engine.removeProvider(device);
        clock.advance(Duration.ofSeconds(30));

        assertThat(engine.status(POP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(engine.status(POP).error.code).isEqualTo(TokenError.CANCELLED);
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);
        assertThat(engine.status(SMTP).providerAvailable).isFalse();
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-1"); // still valid: no provider needed
        assertThat(engine.providers()).extracting(p -> p.id).containsExactly("web");

        server.fallback("/token", f -> token("AT-2", "RT-2", 3600));
        clock.advance(Duration.ofSeconds(3300)); // due, but the provider is away
        assertThat(engine.status(SMTP).error.code).isEqualTo(TokenError.PROVIDER_MISSING);
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.RETRIEVED);

        engine.addProvider(device, "test.bundle");
        clock.runDue();
        assertThat(engine.status(SMTP).providerAvailable).isTrue();
        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-2");
    }

    // ------------------------------------------------------------------ discovery and host names

    /** A provider that gives only its issuer, as the generic provider does. */
    final class IssuerProvider extends io.mfpoauth.token.service.internal.TestProvider {
        final URI issuer;

        IssuerProvider(String id, URI issuer) {
            super(id, Flow.DEVICE_CODE, server);
            this.issuer = issuer;
        }

        @Override
        public io.mfpoauth.token.spi.ProviderEndpoints endpoints() {
            return io.mfpoauth.token.spi.ProviderEndpoints.discover(issuer);
        }
    }

    static String discoveryDocument(URI issuer, URI base) {
        return "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + base + "token\","
                + "\"device_authorization_endpoint\":\"" + base + "device\",\"revocation_endpoint\":\"" + base + "revoke\"}";
    }

    @Test
    void endpointsAreDiscoveredFromTheIssuerOnceAndKept() throws Exception {
        URI issuer = server.uri("/realms/mfp");
        server.fallback("/realms/mfp/.well-known/openid-configuration",
                f -> Reply.json(200, discoveryDocument(issuer, server.uri("/"))));
        engine.addProvider(new IssuerProvider("oidc", issuer), "test.bundle");
        server.script("/device", deviceCode(5, 900));
        server.script("/token", token("AT-D", "RT-D", 3600), token("AT-E", "RT-E", 3600));

        engine.startRetrieval(SMTP, "oidc", ACCOUNT);
        clock.advance(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(3300));

        assertThat(engine.accessToken(SMTP).value()).isEqualTo("AT-E");
        assertThat(server.requests("/realms/mfp/.well-known/openid-configuration")).hasSize(1);
    }

    @Test
    void rfc8414DiscoveryIsTriedWhenOpenIdConnectHasNoDocument() throws Exception {
        URI issuer = server.uri("/tenant");
        server.fallback("/.well-known/oauth-authorization-server/tenant",
                f -> Reply.json(200, discoveryDocument(issuer, server.uri("/"))));
        engine.addProvider(new IssuerProvider("oauth", issuer), "test.bundle");
        server.script("/device", deviceCode(5, 900));

        assertThat(engine.startRetrieval(POP, "oauth", ACCOUNT).state).isEqualTo(TokenState.AWAITING_AUTHORIZATION);
    }

    @Test
    void aDiscoveryDocumentOfAnotherIssuerIsAConfigurationError() throws Exception {
        URI issuer = server.uri("/realms/mfp");
        server.fallback("/realms/mfp/.well-known/openid-configuration",
                f -> Reply.json(200, discoveryDocument(URI.create("https://evil.example.test"), server.uri("/"))));
        engine.addProvider(new IssuerProvider("oidc", issuer), "test.bundle");

        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "oidc", ACCOUNT)).isInstanceOf(TokenException.class)
                .hasMessageContaining("another issuer");
        assertThat(engine.status(SMTP).error.code).isEqualTo(TokenError.CONFIGURATION);
        assertThat(server.requests("/device")).isEmpty();
    }

    @Test
    void anUnreachableIssuerIsATransientErrorAndAMissingDocumentAConfigurationOne() throws Exception {
        engine.addProvider(new IssuerProvider("gone", URI.create("http://127.0.0.1:1/realms/x")), "test.bundle");
        engine.addProvider(new IssuerProvider("none", server.uri("/nothing")), "test.bundle");

        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "gone", ACCOUNT)).isInstanceOf(TokenException.class)
                .matches(e -> ((TokenException) e).retryable());
        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "none", ACCOUNT)).isInstanceOf(TokenException.class)
                .matches(e -> !((TokenException) e).retryable()).hasMessageContaining("No discovery document");
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
    }

    @Test
    void aNonHttpsIssuerIsRefused() {
        engine.addProvider(new IssuerProvider("plain", URI.create("http://idp.example.test/realms/x")), "test.bundle");
        assertThatThrownBy(() -> engine.startRetrieval(SMTP, "plain", ACCOUNT)).isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).code()).isEqualTo(TokenError.CONFIGURATION);
    }

    @Test
    void theProviderIsProposedFromTheMailServerName() {
        TestProvider ms = new TestProvider("microsoft", Flow.DEVICE_CODE, server) {
            @Override
            public Set<String> mailHosts() {
                return Set.of("office365.com", "smtp-mail.outlook.com");
            }
        };
        engine.addProvider(ms, "test.bundle");
        assertThat(engine.proposeProvider("smtp.office365.com")).isEqualTo("microsoft");
        assertThat(engine.proposeProvider("outlook.office365.com.")).isEqualTo("microsoft");
        assertThat(engine.proposeProvider("SMTP-MAIL.Outlook.com")).isEqualTo("microsoft");
        assertThat(engine.proposeProvider("mail.example.test")).isEqualTo("dev"); // TestProvider serves example.test
        assertThat(engine.proposeProvider("smtp.unknown.org")).isNull();
        assertThat(engine.proposeProvider("com")).isNull();
        assertThat(engine.proposeProvider(null)).isNull();
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void noTokenInAnyLogLineStatusEventExceptionOrToString() throws Exception {
        browser.secret = "CLIENT-SECRET-CANARY";
        server.script("/device", deviceCode(5, 900));
        server.script("/token", token("ACCESS-CANARY-1", "REFRESH-CANARY-1", 3600),
                Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"bad REFRESH-CANARY-1 given\"}"));
        engine.startRetrieval(SMTP, "dev", ACCOUNT);
        clock.advance(Duration.ofSeconds(5));
        AccessToken t = engine.accessToken(SMTP);
        clock.advance(Duration.ofSeconds(3300));
        TokenException ex = null;
        try {
            engine.accessToken(SMTP);
        } catch (TokenException e) {
            ex = e;
        }
        engine.startRetrieval(POP, "web", ACCOUNT);
        engine.delete(SMTP);
        clock.runDue();

        List<String> texts = new ArrayList<>(logLines);
        synchronized (events) {
            events.forEach(e -> texts.add(e.toString()));
        }
        texts.add(t.toString());
        texts.add(String.valueOf(ex));
        texts.add(engine.statuses().toString());
        texts.add(store.saved.toString());
        assertThat(engine.status(SMTP).state).isEqualTo(TokenState.NOT_RETRIEVED);
        assertThat(texts).isNotEmpty().noneMatch(s -> s.contains("CANARY"));
    }
}
