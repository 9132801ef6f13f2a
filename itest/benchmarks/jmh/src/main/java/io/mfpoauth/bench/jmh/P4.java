package io.mfpoauth.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CachedTokenBenchmark} (both sides in the same run, same settings) and writes {@code P4.md} and
 * {@code P4.notes.md} into the folder given as the only argument.
 */
public final class P4 {
    private static final double TARGET = 10_000;

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        Files.createDirectories(results);
        Collection<RunResult> runs = new Runner(new OptionsBuilder()
                .include(CachedTokenBenchmark.class.getName() + "\\.")
                .shouldFailOnError(true)
                .build()).run();
        Result<?> ours = score(runs, "ours");
        Result<?> msal = score(runs, "msal");
        Result<?> floor = score(runs, "clockFloor");
        double ratio = msal.getScore() / ours.getScore();
        String row = String.format(Locale.ROOT,
                "| P4 | reading a cached valid access token (JMH average per call) | %s | %s (MSAL4J 1.26.1 acquireTokenSilently) | %,.0f× faster | ≥ 10,000× faster | %s |%n",
                ns(ours), ns(msal), ratio, ratio >= TARGET ? "yes" : "no");
        Files.writeString(results.resolve("P4.md"), row);
        Files.writeString(results.resolve("P4.notes.md"), String.format(Locale.ROOT,
                "P4: JMH 1.37, both benchmarks in one run on the same JVM settings (%s); mode average time, "
                        + "score ± JMH's 99.9%% confidence half-width. Ours: `TokenEngine.accessToken(smtp)` on a "
                        + "slot loaded from the real encrypted store at open(), token valid for 1 h. MSAL4J: "
                        + "`PublicClientApplication.acquireTokenSilently(...).get()` on an account whose access "
                        + "token (valid for 1 h) is in its deserialized cache, instance discovery off, an HTTP "
                        + "client that refuses and counts requests (0 made). Ratio of the averages: %,.0f×. For "
                        + "scale, one `System.nanoTime()` (the clock read ours makes to check the deadline) measured "
                        + "%s in the same run: ours is a map lookup, that clock read and one volatile read.%n",
                "2 forks × (4 warm-up + 5 measured 1 s iterations)", ratio, ns(floor)));
        System.out.print(row);
    }

    private static Result<?> score(Collection<RunResult> runs, String method) {
        return runs.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .findFirst().orElseThrow(() -> new IllegalStateException("no result for " + method))
                .getPrimaryResult();
    }

    private static String ns(Result<?> r) {
        return String.format(Locale.ROOT, "%,.1f ± %,.1f ns", r.getScore(), r.getScoreError());
    }
}
