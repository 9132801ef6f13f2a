package io.mfpoauth.admin.webpage.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Answers the device's address itself ({@code GET /}) and {@code /index.html} with the page.
 * <p>
 * {@code /} is the servlet specification's "default servlet" pattern: it receives every request that no other
 * servlet or resource of the context matches, so anything but the two page addresses is answered 404 here, as
 * it would be without this servlet. (The empty pattern, which matches only the root, cannot be declared: DS
 * drops empty lines from a multi-valued property.) Serving the page at {@code /} instead of redirecting keeps
 * the address the administrator typed, and the page's relative links ({@code static/app.js}) work from both.
 * <p>
 * Refusals (404, and 405 for anything but reading) are short plain-text answers of our own rather than the
 * container's HTML error page, which would echo the requested address and the method into HTML.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("io.mfpoauth.admin.webpage")
@HttpWhiteboardServletPattern({"/", "/index.html"})
public final class IndexServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The page in this bundle. */
    static final String INDEX = "/webpage/index.html";

    /** Read once: the page is 5 KB and never changes while the bundle is installed. */
    private final byte[] page;

    public IndexServlet() {
        this.page = readIndex();
    }

    static byte[] readIndex() {
        try (InputStream in = IndexServlet.class.getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new IllegalStateException(INDEX + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the request is for the page; the default servlet's path is in getServletPath(). */
    static boolean isPage(String servletPath, String pathInfo) {
        String path = servletPath + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() || path.equals("/") || path.equals("/index.html");
    }

    /** The page is only read: GET and HEAD; any other method (OPTIONS and TRACE too) is 405. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            super.service(request, response);
            return;
        }
        response.setHeader("Allow", "GET, HEAD");
        refuse(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!isPage(request.getServletPath(), request.getPathInfo())) {
            refuse(response, HttpServletResponse.SC_NOT_FOUND, "Not found");
            return;
        }
        response.setContentType("text/html; charset=utf-8");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }

    private static void refuse(HttpServletResponse response, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
