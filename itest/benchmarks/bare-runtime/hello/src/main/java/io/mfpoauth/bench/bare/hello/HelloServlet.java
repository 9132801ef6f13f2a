package io.mfpoauth.bench.bare.hello;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The bare runtime's only application code: it stands for "the web server is up and a DS component answers",
 * the least any firmware on this runtime does, so start-up and memory can be compared with the real firmware.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/hello")
public final class HelloServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain; charset=utf-8");
        response.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
}
