package io.mfpoauth.bench.flows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Writes a measure's table row ({@code P<n>.md}) and notes ({@code P<n>.notes.md}) into the results folder. */
final class Results {
    private Results() {
    }

    static void write(Path folder, String measure, String row, String notes) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(measure + ".md"), row + "\n");
        Files.writeString(folder.resolve(measure + ".notes.md"), notes + "\n");
        System.out.println(row);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
