package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminSecurityTest {
    private static final String PASSWORD = "the-admin-password";
    private static final String ORIGIN = "http://printer.local:8080";

    @TempDir
    Path folder;

    private final AtomicLong clock = new AtomicLong();
    private AdminSecurity security;

    @BeforeEach
    void setUp() throws Exception {
        AdminAccount account = new AdminAccount(folder.resolve("account"), new SecureRandom(), 1_000, clock::get);
        account.load(name -> PASSWORD, line -> { });
        security = new AdminSecurity(account, 30, 4, clock::get);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Credentials request(String method, String authorization, String cookie, String csrf) {
        return new Credentials(method, authorization, cookie, csrf, null, ORIGIN, null, "192.0.2.7", false, false);
    }

    private static ApiException refusal(ThrowingCall call) {
        return catchThrowableOfType(ApiException.class, call::run);
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void basicWithTheRightPasswordIsTheAdministrator() throws Exception {
        AdminSecurity.Admin admin = security.authenticate(request("POST", basic("admin", PASSWORD), null, null));
        assertThat(admin.session()).isNull();
    }

    @Test
    void withoutValidCredentials401WithABasicChallengeExceptForThePage() {
        for (Credentials c : new Credentials[] { request("GET", null, null, null),
            request("GET", basic("admin", "wrong"), null, null), request("GET", basic("root", PASSWORD), null, null),
            request("GET", "Basic !!!", null, null), request("GET", "Bearer abc", null, null),
            request("GET", null, "no-such-session", null) }) {
            ApiException e = refusal(() -> security.authenticate(c));
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.body().toString()).isEqualTo("{\"error\":\"unauthorized\"}");
            assertThat(e.headers().get("WWW-Authenticate")).startsWith("Basic realm=");
        }
        Credentials fromPage = new Credentials("GET", null, null, null, null, ORIGIN, null, "192.0.2.7", true, false);
        assertThat(refusal(() -> security.authenticate(fromPage)).headers()).doesNotContainKey("WWW-Authenticate");
    }

    @Test
    void basicFromABrowserOnAnotherSiteIs403() {
        String auth = basic("admin", PASSWORD);
        Credentials otherOrigin = new Credentials("POST", auth, null, null, "https://evil.example", ORIGIN, null,
                "192.0.2.7", false, false);
        Credentials crossSite = new Credentials("GET", auth, null, null, null, ORIGIN, "cross-site", "192.0.2.7",
                false, false);
        assertThat(refusal(() -> security.authenticate(otherOrigin)).status()).isEqualTo(403);
        assertThat(refusal(() -> security.authenticate(crossSite)).status()).isEqualTo(403);
        Credentials sameOrigin = new Credentials("POST", auth, null, null, ORIGIN, ORIGIN, "same-origin", "192.0.2.7",
                false, false);
        assertThat(refusal(() -> security.authenticate(sameOrigin))).isNull();
    }

    @Test
    void afterFiveWrongPasswords429WithRetryAfterAndNoWaitingThread() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(() -> security.authenticate(request("GET", basic("admin", "nope"), null, null))).status())
                    .isEqualTo(401);
        }
        long started = System.nanoTime();
        ApiException throttled = refusal(() -> security.authenticate(request("GET", basic("admin", PASSWORD), null, null)));
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers()).containsEntry("Retry-After", "1");
        assertThat(refusal(() -> security.login(request("POST", null, null, null), "admin", PASSWORD)).status())
                .isEqualTo(429);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        security.authenticate(request("GET", basic("admin", PASSWORD), null, null));
        assertThat(refusal(() -> security.authenticate(request("GET", basic("admin", "nope"), null, null))).status())
                .as("a right password starts afresh").isEqualTo(401);
    }

    @Test
    void parallelWrongPasswordsCannotGetPastTheThrottle() throws Exception {
        int attempts = 20;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(attempts);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return refusal(() -> security.authenticate(request("GET", basic("admin", "guess"), null, null)))
                            .status();
                }));
            }
            start.countDown();
            int checked = 0;
            for (java.util.concurrent.Future<Integer> answer : answers) {
                int status = answer.get(30, TimeUnit.SECONDS);
                assertThat(status).isIn(401, 429);
                checked += status == 401 ? 1 : 0;
            }
            // The clock stands still: only the free attempts ever reach the password check.
            assertThat(checked).isEqualTo(LoginThrottle.FREE_FAILURES);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aWrongCurrentPasswordCountsForTheThrottle() throws Exception {
        AdminSecurity.Admin basic = security.authenticate(request("PUT", basic("admin", PASSWORD), null, null));
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(refusal(() -> security.changePassword(request("PUT", null, null, null), basic, "wrong",
                    "new-password-1")).status()).isEqualTo(400);
        }
        assertThat(refusal(() -> security.changePassword(request("PUT", null, null, null), basic, PASSWORD,
                "new-password-1")).status()).isEqualTo(429);
    }

    @Test
    void aSessionNeedsItsCsrfTokenForEveryChangingRequest() throws Exception {
        Sessions.Session session = security.login(request("POST", null, null, null), "admin", PASSWORD);
        assertThat(security.authenticate(request("GET", null, session.id(), null)).session()).isSameAs(session);
        assertThat(security.authenticate(request("HEAD", null, session.id(), null)).session()).isSameAs(session);
        for (String method : new String[] { "POST", "PUT", "DELETE", "PATCH" }) {
            ApiException e = refusal(() -> security.authenticate(request(method, null, session.id(), null)));
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.body().toString()).isEqualTo("{\"error\":\"csrf\",\"message\":"
                    + "\"A changing request of a session needs its X-CSRF-Token\"}");
            assertThat(refusal(() -> security.authenticate(request(method, null, session.id(), "forged"))).status())
                    .isEqualTo(403);
            assertThat(security.authenticate(request(method, null, session.id(), session.csrfToken())).session())
                    .isSameAs(session);
        }
    }

    @Test
    void sessionsExpireWhenIdleEndAtLogOutAndWithTheComponent() throws Exception {
        Sessions.Session a = security.login(request("POST", null, null, null), "admin", PASSWORD);
        clock.addAndGet(TimeUnit.MINUTES.toNanos(30));
        assertThat(refusal(() -> security.authenticate(request("GET", null, a.id(), null))).status()).isEqualTo(401);

        Sessions.Session b = security.login(request("POST", null, null, null), "admin", PASSWORD);
        AdminSecurity.Admin admin = security.authenticate(request("GET", null, b.id(), null));
        assertThat(security.stillSignedIn(admin)).isTrue();
        security.logout(admin);
        assertThat(security.stillSignedIn(admin)).isFalse();
        assertThat(refusal(() -> security.authenticate(request("GET", null, b.id(), null))).status()).isEqualTo(401);

        Sessions.Session c = security.login(request("POST", null, null, null), "admin", PASSWORD);
        security.deactivate();
        assertThat(refusal(() -> security.authenticate(request("GET", null, c.id(), null))).status()).isEqualTo(401);
    }

    @Test
    void logOutAndPasswordChangeTellTheEventStreams() throws Exception {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        Runnable listener = told::incrementAndGet;
        security.addSessionsEndedListener(listener);
        Sessions.Session a = security.login(request("POST", null, null, null), "admin", PASSWORD);
        AdminSecurity.Admin admin = security.authenticate(request("GET", null, a.id(), null));
        security.logout(admin);
        assertThat(told.get()).isEqualTo(1);
        security.logout(new AdminSecurity.Admin(null)); // Basic: no session ended
        assertThat(told.get()).isEqualTo(1);
        security.changePassword(request("PUT", null, null, null), new AdminSecurity.Admin(null), PASSWORD,
                "new-password-1");
        assertThat(told.get()).isEqualTo(2);
        security.removeSessionsEndedListener(listener);
        security.changePassword(request("PUT", null, null, null), new AdminSecurity.Admin(null), "new-password-1",
                "new-password-2");
        assertThat(told.get()).isEqualTo(2);
    }

    @Test
    void wrongUserOrPasswordAtSignInIs401() {
        assertThat(refusal(() -> security.login(request("POST", null, null, null), "admin", "wrong")).status())
                .isEqualTo(401);
        assertThat(refusal(() -> security.login(request("POST", null, null, null), "Admin", PASSWORD)).status())
                .isEqualTo(401);
    }

    @Test
    void changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() throws Exception {
        Sessions.Session mine = security.login(request("POST", null, null, null), "admin", PASSWORD);
        Sessions.Session other = security.login(request("POST", null, null, null), "admin", PASSWORD);
        AdminSecurity.Admin admin = security.authenticate(request("PUT", null, mine.id(), mine.csrfToken()));

        ApiException wrong = refusal(() -> security.changePassword(request("PUT", null, null, null), admin, "wrong",
                "new-password-1"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().get("field").asText()).isEqualTo("current");
        ApiException tooShort = refusal(() -> security.changePassword(request("PUT", null, null, null), admin, PASSWORD,
                "short"));
        assertThat(tooShort.body().get("field").asText()).isEqualTo("new");

        security.changePassword(request("PUT", null, null, null), admin, PASSWORD, "new-password-1");
        assertThat(security.stillSignedIn(admin)).isTrue();
        assertThat(refusal(() -> security.authenticate(request("GET", null, other.id(), null))).status()).isEqualTo(401);
        assertThat(refusal(() -> security.authenticate(request("GET", basic("admin", PASSWORD), null, null))).status())
                .isEqualTo(401);
        security.authenticate(request("GET", basic("admin", "new-password-1"), null, null));
    }

    @Test
    void theCookieIsHttpOnlyStrictAndSecureOverHttps() throws Exception {
        Sessions.Session session = security.login(request("POST", null, null, null), "admin", PASSWORD);
        assertThat(AdminSecurity.cookie(session, false))
                .isEqualTo("mfp_session=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict");
        assertThat(AdminSecurity.cookie(session, true)).endsWith("; Secure");
        assertThat(AdminSecurity.expiredCookie(false)).contains("Max-Age=0");
        assertThatThrownBy(() -> security.authenticate(request("GET", null, null, null)))
                .isInstanceOf(ApiException.class);
    }
}
