package io.mfpoauth.token.service.internal.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The rule for which addresses tokens may be sent to, and how addresses appear in messages. */
public final class Urls {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Urls() {
    }

    /**
     * Accepts {@code https} addresses, and {@code http} only to this device's loopback address (a test server, or
     * a local relay): anywhere else, plain http would put client secrets, codes and tokens on the network in clear.
     *
     * @throws IllegalArgumentException naming the address and the reason
     */
    public static void requireSecure(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("No address given for a provider endpoint");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isEmpty()) {
            throw new IllegalArgumentException("Refused the address " + forMessages(uri)
                    + ": it is not an absolute http(s) address with a host name");
        }
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http")) {
            if (isLoopback(host)) {
                return;
            }
            throw new IllegalArgumentException("Refused the address " + forMessages(uri)
                    + ": plain http is allowed only to this device's loopback address; use https");
        }
        throw new IllegalArgumentException("Refused the address " + forMessages(uri)
                + ": only https addresses are allowed");
    }

    /**
     * Whether {@code host} names this device's loopback interface: {@code localhost}, {@code 127.0.0.0/8} or
     * {@code ::1} (bracketed or not). Only literal addresses and the name {@code localhost} count, never a name
     * that DNS would have to resolve, so the answer cannot be steered by a name server.
     */
    public static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        var quad = DOTTED_QUAD.matcher(h);
        if (quad.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(quad.group(i)) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(quad.group(1)) == 127;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') < 0 || !h.matches("[0-9a-f:.]+")) {
            return false;
        }
        try {
            // an IPv6 literal: InetAddress parses it without any name lookup
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The address as messages and logs may show it: scheme, host, port and path, without user information,
     * query or fragment (which could carry a code or a secret).
     */
    public static String forMessages(URI uri) {
        if (uri == null) {
            return "(none)";
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            return (uri.getScheme() == null ? "" : uri.getScheme() + ":") + "(unusable address)";
        }
        StringBuilder s = new StringBuilder();
        s.append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        return s.toString();
    }
}
