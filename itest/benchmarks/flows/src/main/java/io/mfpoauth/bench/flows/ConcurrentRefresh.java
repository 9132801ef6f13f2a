package io.mfpoauth.bench.flows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.service.internal.Ticker;
import io.mfpoauth.token.service.internal.store.TokenRecord;

/**
 * P5: 1,000 threads released at once on a token that is about to expire must cause exactly one refresh request.
 *
 * <p>The engine is the real one (encrypted store, JDK HTTP client, Microsoft provider) against a loopback token
 * endpoint that counts refresh requests and answers after {@link #ANSWER_MILLIS}, and not before every caller has
 * made its call, so all of them really meet the refresh in flight. Its monotonic clock runs 56 minutes ahead before each round (the token lives an hour and
 * is renewed 5 minutes before expiry): the callers then find the token 4 minutes from expiry, while its background
 * renewal, scheduled on the real clock, is not yet due and so cannot renew it first.
 */
final class ConcurrentRefresh {
    static final int CALLERS = 1_000;
    static final int ROUNDS = 20;
    static final long ANSWER_MILLIS = 200;
    private static final long JUMP = TimeUnit.MINUTES.toNanos(56);

    /** The system clock, moved forward on demand (both clocks, as after a real wait). */
    static final class JumpingTicker implements Ticker {
        private final AtomicLong offsetNanos = new AtomicLong();

        void jump(long nanos) {
            offsetNanos.addAndGet(nanos);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime() + offsetNanos.get();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(offsetNanos.get());
        }
    }

    private static String overlapText(int[] overlapping) {
        int least = java.util.Arrays.stream(overlapping).min().orElse(0);
        return least == CALLERS ? "all 1,000 callers met the refresh in flight, every round"
                : "at least " + least + " of 1,000 callers met the refresh in flight";
    }

    static void run(Path results) throws Exception {
        AtomicInteger refreshes = new AtomicInteger();
        AtomicInteger staleRefreshTokens = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        Object rotation = new Object();
        String[] currentRefresh = {"refresh-0"};
        AtomicLong answeredNanos = new AtomicLong();
        AtomicInteger calling = new AtomicInteger();
        TokenEndpointServer.Script script = new TokenEndpointServer.Script() {
            @Override
            public TokenEndpointServer.Answer answer(String endpoint, java.util.Map<String, String> form, long arrived)
                    throws InterruptedException {
            if (!"token".equals(endpoint) || !"refresh_token".equals(form.get("grant_type"))) {
                return TokenEndpointServer.Answer.error("invalid_request");
            }
            refreshes.incrementAndGet();
            Thread.sleep(ANSWER_MILLIS);
            // On a loaded machine the released threads may take longer than the answer to get a core: hold the
            // answer until every caller has made its call (or 10 s passed), so all of them meet the refresh in flight.
            long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calling.get() < CALLERS && System.nanoTime() - holdUntil < 0) {
                Thread.sleep(1);
            }
            // Set here, before the answer leaves: a mark set after sending could come after the callers returned.
            answeredNanos.set(System.nanoTime());
            int n = issued.incrementAndGet();
            synchronized (rotation) {
                if (!currentRefresh[0].equals(form.get("refresh_token"))) {
                    staleRefreshTokens.incrementAndGet(); // a spent (rotated) refresh token used again
                }
                currentRefresh[0] = "refresh-" + n;
            }
            return TokenEndpointServer.Answer.ok("{\"token_type\":\"Bearer\",\"access_token\":\"access-" + n
                    + "\",\"refresh_token\":\"refresh-" + n + "\",\"expires_in\":3600,\"scope\":\"SMTP.Send\"}");
            }
        };
        JumpingTicker clock = new JumpingTicker();
        Slot slot = Slot.smtp();
        long now = clock.currentTimeMillis();
        TokenRecord seed = new TokenRecord(slot.name(), "microsoft", "scanner@contoso.example", "refresh-0",
                "access-0", now + TimeUnit.HOURS.toMillis(1), now, "SMTP.Send offline_access", false, null, null);

        int[] perRound = new int[ROUNDS];
        double[] medianMillis = new double[ROUNDS];
        double[] maxMillis = new double[ROUNDS];
        int[] overlapping = new int[ROUNDS];
        int failures = 0;
        int wrongTokens = 0;
        try (TokenEndpointServer server = new TokenEndpointServer(script);
                LocalEngine local = LocalEngine.start("p5", clock, seed)) {
            local.engine.addProvider(Microsoft.provider(server.authority()), "bench");
            for (int round = 0; round < ROUNDS; round++) {
                clock.jump(JUMP);
                int before = refreshes.get();
                calling.set(0);
                double[] latencies = new double[CALLERS];
                long[] calledAt = new long[CALLERS];
                AccessToken[] got = new AccessToken[CALLERS];
                Throwable[] errors = new Throwable[CALLERS];
                CountDownLatch ready = new CountDownLatch(CALLERS);
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> callers = new ArrayList<>(CALLERS);
                for (int i = 0; i < CALLERS; i++) {
                    int index = i;
                    Thread t = new Thread(() -> {
                        ready.countDown();
                        try {
                            go.await();
                            long t0 = System.nanoTime();
                            calledAt[index] = t0;
                            calling.incrementAndGet();
                            got[index] = local.engine.accessToken(slot);
                            latencies[index] = (System.nanoTime() - t0) / 1e6;
                        } catch (Throwable e) {
                            errors[index] = e;
                        }
                    }, "p5-caller-" + i);
                    callers.add(t);
                    t.start();
                }
                ready.await();
                go.countDown();
                for (Thread t : callers) {
                    t.join(TimeUnit.SECONDS.toMillis(60));
                    if (t.isAlive()) {
                        t.interrupt();
                        t.join();
                    }
                }
                perRound[round] = refreshes.get() - before;
                // Callers that asked before the refresh's answer was ready: they overlapped the refresh in flight.
                long answered = answeredNanos.get();
                for (long t : calledAt) {
                    if (t != 0 && t - answered <= 0) {
                        overlapping[round]++;
                    }
                }
                Set<String> values = new HashSet<>();
                for (int i = 0; i < CALLERS; i++) {
                    if (errors[i] != null) {
                        failures++;
                    } else {
                        values.add(got[i].value());
                    }
                }
                if (values.size() != 1 || !values.contains("access-" + issued.get())) {
                    wrongTokens++;
                }
                medianMillis[round] = Results.median(latencies);
                maxMillis[round] = Results.max(latencies);
                System.out.println(Results.f("P5 round %d: %d refresh request(s), %d callers overlapped it, median %.1f ms, max %.1f ms",
                        round + 1, perRound[round], overlapping[round], medianMillis[round], maxMillis[round]));
            }
        }
        int minRefreshes = Integer.MAX_VALUE;
        int maxRefreshes = 0;
        for (int n : perRound) {
            minRefreshes = Math.min(minRefreshes, n);
            maxRefreshes = Math.max(maxRefreshes, n);
        }
        boolean met = minRefreshes == 1 && maxRefreshes == 1 && failures == 0 && wrongTokens == 0
                && staleRefreshTokens.get() == 0;
        String ours = minRefreshes == maxRefreshes ? minRefreshes + " refresh request per round"
                : minRefreshes + "–" + maxRefreshes + " refresh requests per round";
        Results.write(results, "P5", Results.f(
                "| P5 | 1,000 concurrent callers on an expiring token (%d rounds) | %s; %d failed calls; %s; median caller latency %.0f ms | — | — | exactly 1 refresh request | %s |",
                ROUNDS, ours, failures, overlapText(overlapping),
                Results.median(medianMillis), met ? "yes" : "no"),
                Results.f("P5: real TokenEngine (encrypted file store, JdkOAuthHttp, Microsoft provider class) against a "
                        + "loopback token endpoint that answers each refresh after %d ms; %d rounds of %d threads "
                        + "released together by a latch on a token 4 minutes from expiry (engine clock moved 56 min "
                        + "forward per round). Refresh requests per round: %s. Callers that called before the refresh's answer was ready, per round: %s. Calls that failed: %d; rounds where not "
                        + "every caller got the newly issued token: %d; spent refresh tokens presented again: %d. Caller "
                        + "latency (information): median of the round medians %.1f ms, worst round median %.1f ms, "
                        + "worst single call %.1f ms (includes the %d ms answer and thread wake-up on a loaded machine).",
                        ANSWER_MILLIS, ROUNDS, CALLERS, java.util.Arrays.toString(perRound),
                        java.util.Arrays.toString(overlapping), failures, wrongTokens,
                        staleRefreshTokens.get(), Results.median(medianMillis), Results.max(medianMillis),
                        Results.max(maxMillis), ANSWER_MILLIS));
    }
}
