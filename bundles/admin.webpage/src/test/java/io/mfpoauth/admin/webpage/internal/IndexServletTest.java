package io.mfpoauth.admin.webpage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page servlet's refusals: plain text of its own, never the container's HTML page echoing the request. */
class IndexServletTest {

    @Test
    void anUnknownAddressIsAPlainNotFound() throws Exception {
        Answer answer = call("GET", "/<script>alert(1)</script>");
        assertThat(answer.status).isEqualTo(404);
        assertThat(answer.headers).containsEntry("Content-Type", "text/plain; charset=utf-8");
        assertThat(answer.text()).isEqualTo("Not found\n");
    }

    @Test
    void everyMethodButReadingIsRefusedWithoutEchoingTheRequest() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}) {
            Answer answer = call(method, "/");
            assertThat(answer.status).as(method).isEqualTo(405);
            assertThat(answer.headers).as(method).containsEntry("Allow", "GET, HEAD");
            assertThat(answer.text()).as(method).isEqualTo("Method not allowed\n").doesNotContain("secret");
        }
    }

    @Test
    void thePageIsServed() throws Exception {
        Answer answer = call("GET", "/index.html");
        assertThat(answer.status).isEqualTo(200);
        assertThat(answer.text()).startsWith("<!DOCTYPE html>");
    }

    private static final class Answer {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static Answer call(String method, String path) throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(IndexServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> path;
                    case "getPathInfo" -> null;
                    case "getHeader" -> "Cookie".equalsIgnoreCase((String) args[0]) ? "mfp_session=secret" : null;
                    case "getProtocol" -> "HTTP/1.1";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Answer answer = new Answer();
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                answer.body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                IndexServletTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> answer.status = (Integer) args[0];
                        case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                        case "setContentType" -> answer.headers.put("Content-Type", (String) args[0]);
                        case "setContentLength" -> answer.headers.put("Content-Length", args[0].toString());
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
        new IndexServlet().service(request, response);
        return answer;
    }
}
