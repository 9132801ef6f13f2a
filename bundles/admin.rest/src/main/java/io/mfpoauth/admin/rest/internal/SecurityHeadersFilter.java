package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Adds the contract's security headers to every page and answer of the device's web server (the web page of another
 * bundle included): the page may load only its own resources, may not be framed, sniffed or told where it came from;
 * API answers are never cached. Headers are set before the chain runs, so even a refusal or an error carries them.
 * {@code TRACE} outside the API is refused: the servlet container would echo the request, its {@code Cookie} and
 * {@code Authorization} headers included, into the answer's body (the API's own servlets never echo it).
 */
// Async supported: a filter that is not would keep the event stream (an async servlet) from starting.
// Ranked high, so it is the first filter of the chain and nothing answers before it ran.
@Component(service = Filter.class)
@HttpWhiteboardFilterPattern("/*")
@HttpWhiteboardFilterName("io.mfpoauth.admin.rest.headers")
@HttpWhiteboardFilterAsyncSupported
@ServiceRanking(1000)
public final class SecurityHeadersFilter implements Filter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            http.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            http.setHeader("X-Frame-Options", "DENY");
            http.setHeader("X-Content-Type-Options", "nosniff");
            http.setHeader("Referrer-Policy", "no-referrer");
            if (request instanceof HttpServletRequest httpRequest) {
                if (isApi(httpRequest)) {
                    http.setHeader("Cache-Control", "no-store");
                } else if ("TRACE".equals(httpRequest.getMethod())) {
                    // The page and its static files are all there is outside the API, and they are only read.
                    http.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                    http.setHeader("Allow", "GET, HEAD");
                    http.setContentLength(0);
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static boolean isApi(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return uri != null && uri.startsWith((context == null ? "" : context) + "/api/");
    }
}
