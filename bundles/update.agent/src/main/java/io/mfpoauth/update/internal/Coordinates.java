package io.mfpoauth.update.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maven coordinates as the OSGi feature format writes them: {@code group:artifact[:type[:classifier]]:version}. They
 * identify a feature and each of its bundles. Every part is restricted to letters, digits and {@code . _ - +}, so a
 * part can name a file without escaping anything.
 */
record Coordinates(String groupId, String artifactId, String type, String classifier, String version) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.+-]{1,128}");

    static Coordinates parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no coordinates");
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 3 || parts.length > 5) {
            throw new IllegalArgumentException("\"" + text + "\" is not group:artifact:version");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches() || part.startsWith(".")) {
                throw new IllegalArgumentException("\"" + text + "\" is not group:artifact:version"
                        + " (each part letters, digits, '.', '_', '-' or '+')");
            }
        }
        String type = parts.length >= 4 ? parts[2] : null;
        String classifier = parts.length == 5 ? parts[3] : null;
        return new Coordinates(parts[0], parts[1], type, classifier, parts[parts.length - 1]);
    }

    /** The feature's identity without its version: two archives with the same key are versions of one feature. */
    String key() {
        return groupId + ":" + artifactId + (classifier == null ? "" : ":" + classifier);
    }

    /** The file Maven would give this artifact: {@code artifact-version[-classifier].type}, type {@code jar} by default. */
    String fileName() {
        return artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + "."
                + (type == null ? "jar" : type);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(groupId).append(':').append(artifactId);
        if (type != null) {
            text.append(':').append(type);
        }
        if (classifier != null) {
            text.append(':').append(classifier);
        }
        return text.append(':').append(version).toString();
    }

    /**
     * Orders Maven-style versions: the numeric parts first ({@code 1.10.0 > 1.9.2}), then a version without a
     * qualifier after one with ({@code 1.0.0 > 1.0.0-SNAPSHOT}), then the qualifiers as text.
     */
    static int compareVersions(String a, String b) {
        Parsed x = Parsed.of(a);
        Parsed y = Parsed.of(b);
        int n = Math.max(x.numbers.size(), y.numbers.size());
        for (int i = 0; i < n; i++) {
            long p = i < x.numbers.size() ? x.numbers.get(i) : 0;
            long q = i < y.numbers.size() ? y.numbers.get(i) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        if (x.qualifier.isEmpty() || y.qualifier.isEmpty()) {
            return Boolean.compare(x.qualifier.isEmpty(), y.qualifier.isEmpty());
        }
        return x.qualifier.compareTo(y.qualifier);
    }

    private record Parsed(List<Long> numbers, String qualifier) {
        static Parsed of(String version) {
            List<Long> numbers = new ArrayList<>();
            int i = 0;
            while (i < version.length()) {
                int start = i;
                while (i < version.length() && Character.isDigit(version.charAt(i)) && i - start < 18) {
                    i++;
                }
                if (i == start) {
                    break;
                }
                numbers.add(Long.parseLong(version.substring(start, i)));
                if (i < version.length() && version.charAt(i) == '.' && i + 1 < version.length()
                        && Character.isDigit(version.charAt(i + 1))) {
                    i++;
                } else {
                    break;
                }
            }
            String rest = version.substring(i);
            if (rest.startsWith(".") || rest.startsWith("-")) {
                rest = rest.substring(1);
            }
            return new Parsed(numbers, rest.toLowerCase(Locale.ROOT));
        }
    }
}
