package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import jakarta.servlet.FilterChain;

class SecurityHeadersFilterTest {
    private final SecurityHeadersFilter filter = new SecurityHeadersFilter();

    @Test
    void everyAnswerGetsTheHeadersAndApiAnswersAreNotCached() throws Exception {
        FakeHttp.Response page = run("GET", "/static/app.js", new AtomicBoolean());
        assertThat(page.headers).containsEntry("Content-Security-Policy", SecurityHeadersFilter.CONTENT_SECURITY_POLICY)
                .containsEntry("X-Frame-Options", "DENY").containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Referrer-Policy", "no-referrer").doesNotContainKey("Cache-Control");
        assertThat(run("GET", "/api/v1/tokens", new AtomicBoolean()).headers).containsEntry("Cache-Control", "no-store");
    }

    @Test
    void traceOutsideTheApiIsRefusedBeforeAnyServletCouldEchoTheRequest() throws Exception {
        AtomicBoolean reached = new AtomicBoolean();
        FakeHttp.Response refused = run("TRACE", "/static/app.js", reached);
        assertThat(reached).isFalse();
        assertThat(refused.status).isEqualTo(405);
        assertThat(refused.headers).containsEntry("Allow", "GET, HEAD").containsEntry("X-Frame-Options", "DENY");
        assertThat(refused.text()).isEmpty();
    }

    @Test
    void traceOfTheApiIsLeftToTheApiWhichAuthenticatesFirst() throws Exception {
        AtomicBoolean reached = new AtomicBoolean();
        run("TRACE", "/api/v1/tokens", reached);
        assertThat(reached).isTrue();
    }

    private FakeHttp.Response run(String method, String path, AtomicBoolean reached) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        FilterChain chain = (request, answer) -> reached.set(true);
        filter.doFilter(FakeHttp.request(method, path, Map.of("Cookie", "mfp_session=s"), -1,
                new ByteArrayInputStream(new byte[0])), response.servlet, chain);
        return response;
    }
}
