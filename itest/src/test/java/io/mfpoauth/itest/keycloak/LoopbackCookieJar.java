package io.mfpoauth.itest.keycloak;

import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cookie jar for {@link java.net.http.HttpClient} that, like a browser, sends {@code Secure} cookies to loopback
 * hosts over plain http. Keycloak marks its login cookies {@code Secure} even on {@code http://127.0.0.1}, and the JDK's
 * {@link java.net.CookieManager} drops them there, which breaks the login flow. Secure cookies still go only to https
 * or loopback addresses. Keeps name, value, host, path and expiry ({@code Max-Age}; {@code Expires} is treated as a
 * session cookie unless {@code Max-Age} is given); enough for a test's login flow, not a general cookie store.
 */
public final class LoopbackCookieJar extends CookieHandler {
    private static final class Cookie {
        final String name;
        final String value;
        final String host;
        final String path;
        final boolean secure;
        final long expiresAtMillis; // Long.MAX_VALUE: session cookie

        Cookie(String name, String value, String host, String path, boolean secure, long expiresAtMillis) {
            this.name = name;
            this.value = value;
            this.host = host;
            this.path = path;
            this.secure = secure;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final List<Cookie> cookies = new ArrayList<>();

    @Override
    public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        long now = System.currentTimeMillis();
        String host = host(uri);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        boolean secureOk = "https".equalsIgnoreCase(uri.getScheme()) || isLoopback(host);
        StringBuilder header = new StringBuilder();
        for (Iterator<Cookie> it = cookies.iterator(); it.hasNext(); ) {
            Cookie c = it.next();
            if (c.expiresAtMillis <= now) {
                it.remove();
                continue;
            }
            if (!c.host.equals(host) || !pathMatches(path, c.path) || (c.secure && !secureOk)) {
                continue;
            }
            if (header.length() > 0) {
                header.append("; ");
            }
            header.append(c.name).append('=').append(c.value);
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (header.length() > 0) {
            result.put("Cookie", List.of(header.toString()));
        }
        return result;
    }

    @Override
    public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
        for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
            if (e.getKey() == null || !e.getKey().equalsIgnoreCase("Set-Cookie")) {
                continue;
            }
            for (String line : e.getValue()) {
                add(uri, line);
            }
        }
    }

    /** Number of cookies held (expired ones included until the next request). */
    public synchronized int size() {
        return cookies.size();
    }

    private void add(URI uri, String line) {
        String[] parts = line.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        String path = defaultPath(uri);
        boolean secure = false;
        long expires = Long.MAX_VALUE;
        for (int k = 1; k < parts.length; k++) {
            String a = parts[k].trim();
            int aeq = a.indexOf('=');
            String an = (aeq < 0 ? a : a.substring(0, aeq)).trim().toLowerCase(Locale.ROOT);
            String av = aeq < 0 ? "" : a.substring(aeq + 1).trim();
            switch (an) {
                case "path":
                    if (av.startsWith("/")) {
                        path = av;
                    }
                    break;
                case "secure":
                    secure = true;
                    break;
                case "max-age":
                    try {
                        long seconds = Long.parseLong(av);
                        expires = seconds <= 0 ? 0 : System.currentTimeMillis() + seconds * 1000;
                    } catch (NumberFormatException ignored) {
                        // keep it as a session cookie
                    }
                    break;
                default:
                    break;
            }
        }
        String host = host(uri);
        final String p = path;
        cookies.removeIf(c -> c.name.equals(name) && c.host.equals(host) && c.path.equals(p));
        if (expires > System.currentTimeMillis()) {
            cookies.add(new Cookie(name, value, host, path, secure, expires));
        }
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static String defaultPath(URI uri) {
        String p = uri.getRawPath();
        if (p == null || !p.startsWith("/") || p.lastIndexOf('/') == 0) {
            return "/";
        }
        return p.substring(0, p.lastIndexOf('/'));
    }

    private static boolean pathMatches(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath) || cookiePath.equals("/")) {
            return true;
        }
        if (!requestPath.startsWith(cookiePath)) {
            // Keycloak sets Path=/realms/mfp/ and also posts to /realms/mfp/device
            return (requestPath + "/").equals(cookiePath);
        }
        return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/';
    }

    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never resolve it here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
