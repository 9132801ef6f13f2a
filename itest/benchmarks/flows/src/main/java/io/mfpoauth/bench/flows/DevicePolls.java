package io.mfpoauth.bench.flows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.service.internal.Ticker;

/**
 * P8: the device flow's polls against RFC 8628's minimum. A loopback server answers each device code's polls with
 * {@link #SCRIPT} (interval 1 s in the device authorization answer) and records when each poll arrived and when
 * each answer was sent. Required before each poll: the current interval (1 s, then 6 s from the {@code slow_down}
 * on, §3.5), counted from the previous answer as the engine documents (and so also from the previous request).
 * Polls must number exactly the script's answers: none before, none after the token. Three slots run at once on the
 * engine's shared two-thread scheduler, so the intervals are also checked under the load of each other.
 */
final class DevicePolls {
    static final int INTERVAL_SECONDS = 1;
    static final long SLOW_DOWN_SECONDS = 5;
    static final List<String> SCRIPT = List.of("authorization_pending", "authorization_pending", "slow_down",
            "authorization_pending", "token");
    static final List<Slot> SLOTS = List.of(Slot.smtp(), Slot.pop("p8a"), Slot.pop("p8b"));
    /** How long after the token the server keeps watching for a superfluous poll. */
    private static final long QUIET_MILLIS = 3_000;

    /** One device code's exchanges: answer sent after the device authorization, then each poll. */
    static final class Device {
        volatile long authorizedAnswerNanos;
        final List<long[]> polls = new ArrayList<>(); // {arrived, answered}, guarded by this
    }

    static void run(Path results) throws Exception {
        Map<String, Device> devices = new ConcurrentHashMap<>();
        TokenEndpointServer.Script script = new TokenEndpointServer.Script() {
            private int codes;

            @Override
            public TokenEndpointServer.Answer answer(String endpoint, Map<String, String> form, long arrived) {
                if (endpoint.equals("devicecode")) {
                    String code;
                    synchronized (this) {
                        code = "device-code-" + (++codes);
                    }
                    devices.put(code, new Device());
                    return TokenEndpointServer.Answer.ok("{\"device_code\":\"" + code + "\",\"user_code\":\"BENCH-"
                            + codes + "\",\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":900,"
                            + "\"interval\":" + INTERVAL_SECONDS + ",\"message\":\"scripted\"}");
                }
                Device d = devices.get(form.get("device_code"));
                if (d == null) {
                    return TokenEndpointServer.Answer.error("bad_verification_code");
                }
                int n;
                synchronized (d) {
                    d.polls.add(new long[] {arrived, 0});
                    n = d.polls.size();
                }
                String step = n <= SCRIPT.size() ? SCRIPT.get(n - 1) : "authorization_pending";
                if (step.equals("token")) {
                    return TokenEndpointServer.Answer.ok("{\"token_type\":\"Bearer\",\"access_token\":\"access-"
                            + form.get("device_code") + "\",\"refresh_token\":\"refresh\",\"expires_in\":3600}");
                }
                return TokenEndpointServer.Answer.error(step);
            }

            @Override
            public void answered(String endpoint, Map<String, String> form, long sent) {
                if (endpoint.equals("devicecode")) {
                    return; // recorded below from the device code in the engine's status instead
                }
                Device d = devices.get(form.get("device_code"));
                if (d != null) {
                    synchronized (d) {
                        for (long[] p : d.polls) {
                            if (p[1] == 0) {
                                p[1] = sent;
                                break;
                            }
                        }
                    }
                }
            }
        };
        // The device authorization answer's send time: the earliest moment the first poll may be counted from.
        Map<Slot, Long> started = new ConcurrentHashMap<>();
        try (TokenEndpointServer server = new TokenEndpointServer(script);
                LocalEngine local = LocalEngine.start("p8", Ticker.SYSTEM)) {
            local.engine.addProvider(Microsoft.provider(server.authority()), "bench");
            for (Slot slot : SLOTS) {
                local.engine.startRetrieval(slot, "microsoft", "scanner@contoso.example");
                // startRetrieval returns once the answer was read: the answer was sent no later than now
                started.put(slot, System.nanoTime());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (SLOTS.stream().anyMatch(s -> local.engine.status(s).state != TokenState.RETRIEVED)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the device flows did not finish: " + local.engine.statuses());
                }
                Thread.sleep(50);
            }
            Thread.sleep(QUIET_MILLIS);
        }
        // Device codes were handed out in the order of the slots.
        double smallestFromAnswer = Double.MAX_VALUE;
        double smallestFromRequest = Double.MAX_VALUE;
        int polls = 0;
        int earlier = 0;
        StringBuilder detail = new StringBuilder();
        for (int i = 0; i < SLOTS.size(); i++) {
            Device d = devices.get("device-code-" + (i + 1));
            long previousAnswer = started.get(SLOTS.get(i));
            long previousRequest = Long.MIN_VALUE;
            long interval = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
            List<String> gaps = new ArrayList<>();
            synchronized (d) {
                polls += d.polls.size();
                for (int p = 0; p < d.polls.size(); p++) {
                    long arrived = d.polls.get(p)[0];
                    // Before the first poll only the answer's receipt is known: it is later than the send, so the
                    // margin counted from it is a lower bound of the true one.
                    double margin = (arrived - previousAnswer - interval) / 1e6;
                    smallestFromAnswer = Math.min(smallestFromAnswer, margin);
                    if (previousRequest != Long.MIN_VALUE) {
                        smallestFromRequest = Math.min(smallestFromRequest, (arrived - previousRequest - interval) / 1e6);
                    }
                    if (margin < 0) {
                        earlier++;
                    }
                    gaps.add(Results.f("%.0f", (arrived - previousAnswer) / 1e6));
                    if (p < SCRIPT.size() && SCRIPT.get(p).equals("slow_down")) {
                        interval += TimeUnit.SECONDS.toNanos(SLOW_DOWN_SECONDS);
                    }
                    previousAnswer = d.polls.get(p)[1];
                    previousRequest = arrived;
                }
            }
            detail.append(Results.f(" %s: %d polls, ms from previous answer %s;", SLOTS.get(i), d.polls.size(), gaps));
        }
        int expected = SCRIPT.size() * SLOTS.size();
        boolean met = earlier == 0 && polls == expected;
        Results.write(results, "P8", Results.f(
                "| P8 | device-flow polls (pending ×2, slow_down, pending, token; interval 1 s; %d slots at once) | %d polls, %d early; smallest margin %+.0f ms | RFC 8628 minimum: %d polls, none early | — | never earlier, never more | %s |",
                SLOTS.size(), polls, earlier, smallestFromAnswer, expected, met ? "yes" : "no"),
                Results.f("P8: real TokenEngine (JdkOAuthHttp, Microsoft provider class, shared two-thread scheduler) "
                        + "against a loopback device-authorization server; %d slots started together; each device "
                        + "code answered %s, interval %d s (+%d s after slow_down, RFC 8628 §3.5). Margin = (poll "
                        + "arrival − previous answer sent) − required interval; smallest %+.1f ms (counted request to "
                        + "request: %+.1f ms). Polls %d of %d expected, none after the token in the %d s watched "
                        + "after it. Per slot:%s", SLOTS.size(), SCRIPT, INTERVAL_SECONDS, SLOW_DOWN_SECONDS,
                        smallestFromAnswer, smallestFromRequest, polls, expected, QUIET_MILLIS / 1000, detail));
    }
}
