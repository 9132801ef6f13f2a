package io.mfpoauth.admin.rest.internal;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What a request presents to prove it comes from the administrator, taken out of the servlet request so that the
 * checks ({@link AdminSecurity}) are plain code.
 *
 * @param method the HTTP method
 * @param authorization the {@code Authorization} header, or null
 * @param sessionId the {@value AdminSecurity#COOKIE} cookie, or null
 * @param csrfToken the {@code X-CSRF-Token} header, or null
 * @param origin the {@code Origin} header, or null
 * @param ownOrigin this device's origin as the request reached it ({@code scheme://host[:port]})
 * @param fetchSite the {@code Sec-Fetch-Site} header, or null
 * @param address the client's address (what the password throttle counts by)
 * @param fromPage whether the request comes from the web page: it says so ({@code X-MFP-Client: web}), or it is
 *        the page's event stream (an EventSource cannot set headers), or it carries the page's session cookie.
 *        Such a request never gets a Basic challenge, so the browser never shows its own password box or caches
 *        Basic credentials that another site could then ride on.
 * @param secure whether the request came over HTTPS
 */
record Credentials(String method, String authorization, String sessionId, String csrfToken, String origin,
        String ownOrigin, String fetchSite, String address, boolean fromPage, boolean secure) {

    static Credentials of(HttpServletRequest request) {
        String host = request.getHeader("Host");
        String ownOrigin = request.getScheme() + "://" + (host == null ? request.getServerName() : host);
        return new Credentials(request.getMethod(), request.getHeader("Authorization"), cookie(request),
                request.getHeader("X-CSRF-Token"), request.getHeader("Origin"), ownOrigin,
                request.getHeader("Sec-Fetch-Site"), request.getRemoteAddr(),
                fromPage(request), request.isSecure());
    }

    private static boolean fromPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return "web".equalsIgnoreCase(request.getHeader("X-MFP-Client")) || cookie(request) != null
                || (accept != null && accept.contains("text/event-stream"));
    }

    /** Whether the method changes nothing (no CSRF token needed). */
    boolean safeMethod() {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /** Whether a browser sent this from another site: an {@code Origin} that is not the device's, or cross-site. */
    boolean crossSite() {
        return "cross-site".equalsIgnoreCase(fetchSite) || (origin != null && !origin.equalsIgnoreCase(ownOrigin));
    }

    private static String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (AdminSecurity.COOKIE.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        // Never the Authorization header, the cookie or the CSRF token.
        return "Credentials[" + method + " from " + address + "]";
    }
}
