package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

import io.mfpoauth.token.TokenService;

class ApiServletTest {
    private static final String PASSWORD = "the-admin-password";

    @TempDir
    Path folder;

    private final List<String> errors = new ArrayList<>();
    private ApiServlet servlet;

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(ApiServletTest.class.getClassLoader(), new Class<?>[] { type }, handler);
    }

    @BeforeEach
    void setUp() throws Exception {
        AdminAccount account = new AdminAccount(folder.resolve("account"), new SecureRandom(), 1_000, System::nanoTime);
        account.load(name -> PASSWORD, line -> { });
        BundleContext context = proxy(BundleContext.class,
                (p, m, args) -> "getProperty".equals(m.getName()) ? folder.toString() : null);
        // Any token call fails as a request that ran out of heap would.
        TokenService tokens = proxy(TokenService.class, (p, m, args) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        Logger logger = proxy(Logger.class, (p, m, args) -> {
            if ("error".equals(m.getName())) {
                errors.add(String.valueOf(args[0]));
            }
            return null;
        });
        servlet = new ApiServlet(context, new AdminSecurity(account, 30, 4, System::nanoTime), tokens,
                new FakeConfigurationAdmin(), logger);
    }

    private static Map<String, String> basic() {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anErrorIsStillAJson500() throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(FakeHttp.request("GET", "/tokens", basic(), -1, new ByteArrayInputStream(new byte[0])),
                response.servlet);
        assertThat(response.status).isEqualTo(500);
        assertThat(response.headers).containsEntry("Content-Type", Responses.JSON_TYPE)
                .containsEntry("Cache-Control", "no-store");
        assertThat(response.text()).isEqualTo("{\"error\":\"internal\",\"message\":\"The request failed on the device\"}");
        assertThat(errors).hasSize(1);
    }

    @Test
    void aBodyEndingBeforeItsDeclaredLengthIsA400AndNoError() throws Exception {
        java.io.InputStream truncated = new java.io.InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.EOFException("Early EOF");
            }
        };
        FakeHttp.Response response = new FakeHttp.Response();
        Map<String, String> headers = new java.util.HashMap<>(basic());
        headers.put("Content-Type", "application/json");
        servlet.service(FakeHttp.request("PUT", "/admin/password", headers, 200, truncated), response.servlet);
        assertThat(response.status).isEqualTo(400);
        assertThat(response.headers).containsEntry("Connection", "close");
        assertThat(response.text()).isEqualTo(
                "{\"error\":\"bad_request\",\"message\":\"The body ended before its declared length\"}");
        assertThat(errors).isEmpty();
    }

    @Test
    void aRefusedGetWithoutABodyKeepsTheConnection() throws Exception {
        FakeHttp.Response get = new FakeHttp.Response();
        servlet.service(FakeHttp.request("GET", "/tokens", Map.of(), -1, new ByteArrayInputStream(new byte[0])),
                get.servlet);
        assertThat(get.status).isEqualTo(401);
        assertThat(get.headers).doesNotContainKey("Connection");

        FakeHttp.Response post = new FakeHttp.Response();
        servlet.service(FakeHttp.json("PUT", "/settings/smtp", "{}"), post.servlet);
        assertThat(post.status).isEqualTo(401);
        assertThat(post.headers).containsEntry("Connection", "close");
    }

    @Test
    void aBodyIsALengthOverZeroOrAChunkedOne() {
        ByteArrayInputStream none = new ByteArrayInputStream(new byte[0]);
        assertThat(ApiServlet.hasBody(FakeHttp.request("GET", "/tokens", Map.of(), -1, none))).isFalse();
        assertThat(ApiServlet.hasBody(FakeHttp.request("POST", "/tokens", Map.of(), 0, none))).isFalse();
        assertThat(ApiServlet.hasBody(FakeHttp.request("POST", "/tokens", Map.of(), 12, none))).isTrue();
        assertThat(ApiServlet.hasBody(FakeHttp.request("POST", "/tokens", Map.of("Transfer-Encoding", "chunked"), -1,
                none))).isTrue();
    }
}
