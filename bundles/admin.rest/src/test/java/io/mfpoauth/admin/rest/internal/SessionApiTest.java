package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.servlet.http.HttpServletRequest;

class SessionApiTest {
    private static final String PASSWORD = "the-admin-password";

    @TempDir
    Path folder;

    private final Router<Handler> router = new Router<>();

    @BeforeEach
    void setUp() throws Exception {
        AdminAccount account = new AdminAccount(folder.resolve("account"), new SecureRandom(), 1_000, System::nanoTime);
        account.load(name -> PASSWORD, line -> { });
        new SessionApi(new AdminSecurity(account, 30, 4, System::nanoTime)).routes(router);
    }

    private Reply call(HttpServletRequest request) throws Exception {
        Router.Match<Handler> match = router.match(request.getMethod(), request.getPathInfo());
        return match.handler().handle(new Call(request, match.parameters(), Credentials.of(request), null));
    }

    /** A body that never ends. */
    private static InputStream endless(byte fill) {
        return new InputStream() {
            @Override
            public int read() {
                return fill;
            }
        };
    }

    @Test
    void aSignInStillWorks() throws Exception {
        Reply reply = call(FakeHttp.json("POST", "/session", "{\"user\":\"admin\",\"password\":\"" + PASSWORD + "\"}"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().get("Set-Cookie")).startsWith("mfp_session=");
    }

    @Test
    void theSignInBodyIsCutAtOneKibibyteDeclaredOrNot() {
        HttpServletRequest declared = FakeHttp.request("POST", "/session", Map.of("Content-Type", "application/json"),
                1025, new ByteArrayInputStream(new byte[0]));
        assertThat(catchThrowableOfType(ApiException.class, () -> call(declared)).status()).isEqualTo(413);

        // {"x":[{},{},{},... with no length: read no further than the cap, never parsed.
        HttpServletRequest streamed = FakeHttp.request("POST", "/session", Map.of("Content-Type", "application/json"),
                -1, endless((byte) '['));
        ApiException e = catchThrowableOfType(ApiException.class, () -> call(streamed));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.body().get("message").asText()).contains("1 KiB");

        HttpServletRequest password = FakeHttp.request("PUT", "/admin/password",
                Map.of("Content-Type", "application/json"), -1, endless((byte) ' '));
        assertThat(catchThrowableOfType(ApiException.class, () -> call(password)).status()).isEqualTo(413);
    }

    @Test
    void atMostFourPasswordChecksAtOnceTheFifthIs429WithoutWaiting() throws Exception {
        SignInGate gate = new SignInGate(SignInGate.MAX_IN_PROGRESS);
        CountDownLatch inside = new CountDownLatch(SignInGate.MAX_IN_PROGRESS);
        CountDownLatch release = new CountDownLatch(1);
        Handler slow = gate.around(call -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.noContent();
        });
        ExecutorService threads = Executors.newFixedThreadPool(SignInGate.MAX_IN_PROGRESS);
        try {
            List<Future<Reply>> running = new ArrayList<>();
            for (int i = 0; i < SignInGate.MAX_IN_PROGRESS; i++) {
                running.add(threads.submit(() -> slow.handle(null)));
            }
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

            ApiException refused = catchThrowableOfType(ApiException.class, () -> slow.handle(null));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.body().get("error").asText()).isEqualTo("too_many_attempts");
            assertThat(refused.headers()).containsEntry("Retry-After", "1");

            release.countDown();
            for (Future<Reply> f : running) {
                assertThat(f.get(5, TimeUnit.SECONDS).status()).isEqualTo(204);
            }
            assertThat(slow.handle(null).status()).as("places given back, also after a failure").isEqualTo(204);
            Handler failing = gate.around(call -> {
                throw ApiException.badRequest("user", "is required");
            });
            for (int i = 0; i < 10; i++) {
                assertThat(catchThrowableOfType(ApiException.class, () -> failing.handle(null)).status()).isEqualTo(400);
            }
            assertThat(slow.handle(null).status()).isEqualTo(204);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }
}
