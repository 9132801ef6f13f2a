package io.mfpoauth.admin.rest.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Servlet requests and responses as plain objects (the tests have no mocking library). */
final class FakeHttp {
    private FakeHttp() {
    }

    /** A request; {@code contentLength} -1 for none, {@code body} what the client streams. */
    static HttpServletRequest request(String method, String path, Map<String, String> headers, long contentLength,
            InputStream body) {
        ServletInputStream in = new ServletInputStream() {
            @Override
            public int read() throws java.io.IOException {
                return body.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return body.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                new Class<?>[] { HttpServletRequest.class }, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo", "getRequestURI" -> path;
                    case "getContextPath" -> "";
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getContentType" -> headers.get("Content-Type");
                    case "getContentLengthLong" -> contentLength;
                    case "getContentLength" -> (int) contentLength;
                    case "getInputStream" -> in;
                    case "getScheme" -> "http";
                    case "getServerName" -> "printer.local";
                    case "getRemoteAddr" -> "192.0.2.9";
                    case "isSecure" -> false;
                    case "getCookies" -> null;
                    case "getParameter" -> null;
                    case "toString" -> method + " " + path;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static HttpServletRequest json(String method, String path, String json) {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return request(method, path, Map.of("Content-Type", "application/json"), bytes.length,
                new ByteArrayInputStream(bytes));
    }

    /** A response that keeps what is written to it. */
    static final class Response {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean committed;
        final HttpServletResponse servlet = (HttpServletResponse) Proxy.newProxyInstance(
                FakeHttp.class.getClassLoader(), new Class<?>[] { HttpServletResponse.class }, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> status = (Integer) args[0];
                        case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                        case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                        case "setContentLength" -> headers.put("Content-Length", args[0].toString());
                        case "isCommitted" -> {
                            return committed;
                        }
                        case "resetBuffer" -> body.reset();
                        case "getOutputStream" -> {
                            return output();
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });

        private ServletOutputStream output() {
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
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
        }

        String text() {
            return body.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
