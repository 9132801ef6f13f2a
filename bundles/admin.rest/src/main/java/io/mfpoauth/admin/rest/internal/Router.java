package io.mfpoauth.admin.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the handler of a method and a path below {@code /api/v1}: patterns are segments, literal or {@code {name}}
 * (one whole segment, given to the handler by name). A path no pattern matches is unknown (404); a path some pattern
 * matches for other methods only is answered 405 with those methods. Among patterns that match, the one with more
 * literal segments wins ({@code /providers/proposal} over {@code /providers/{id}}).
 *
 * @param <H> the handler type
 */
final class Router<H> {

    private record Route<H>(String method, String[] segments, H handler, boolean open) {
        int literals() {
            int count = 0;
            for (String segment : segments) {
                if (!isVariable(segment)) {
                    count++;
                }
            }
            return count;
        }
    }

    /**
     * What a request found.
     *
     * @param handler the handler, or null when there is none for this method and path
     * @param parameters the path's variables by name
     * @param allowed the methods the path has (empty: the path is unknown)
     * @param open whether the route needs no administrator ({@code POST /session})
     */
    record Match<H>(H handler, Map<String, String> parameters, Set<String> allowed, boolean open) {
        boolean unknownPath() {
            return allowed.isEmpty();
        }
    }

    private final List<Route<H>> routes = new ArrayList<>();

    /** A route that needs the administrator. */
    Router<H> add(String method, String pattern, H handler) {
        return add(method, pattern, handler, false);
    }

    /** A route anybody may call (only the sign-in). */
    Router<H> addOpen(String method, String pattern, H handler) {
        return add(method, pattern, handler, true);
    }

    private Router<H> add(String method, String pattern, H handler, boolean open) {
        routes.add(new Route<>(method, split(pattern), handler, open));
        return this;
    }

    /** The handler for a method and a path such as {@code /tokens/smtp} (HEAD is served as GET). */
    Match<H> match(String method, String path) {
        String[] segments = split(path);
        Set<String> allowed = new TreeSet<>();
        Route<H> best = null;
        Map<String, String> bestParameters = null;
        for (Route<H> route : routes) {
            Map<String, String> parameters = bind(route.segments, segments);
            if (parameters == null) {
                continue;
            }
            allowed.add(route.method);
            boolean methodFits = route.method.equals(method) || ("HEAD".equals(method) && "GET".equals(route.method));
            if (methodFits && (best == null || route.literals() > best.literals())) {
                best = route;
                bestParameters = parameters;
            }
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        return best == null ? new Match<>(null, Map.of(), allowed, false)
                : new Match<>(best.handler, bestParameters, allowed, best.open);
    }

    private static Map<String, String> bind(String[] pattern, String[] segments) {
        if (segments == null || pattern.length != segments.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (isVariable(pattern[i])) {
                parameters.put(pattern[i].substring(1, pattern[i].length() - 1), segments[i]);
            } else if (!pattern[i].equals(segments[i])) {
                return null;
            }
        }
        return parameters;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** {@code /a/b} to {@code [a, b]}; null for a path with an empty segment ({@code //}, a trailing slash). */
    private static String[] split(String path) {
        if (path == null || path.isEmpty() || path.equals("/") || path.charAt(0) != '/') {
            return null;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return null;
            }
        }
        return segments;
    }
}
