package io.mfpoauth.token.service.internal.http;

import static io.mfpoauth.token.service.internal.http.JdkOAuthHttpTest.liveThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopbackRedirectListenerTest {
    private final List<URI> received = new CopyOnWriteArrayList<>();
    private LoopbackRedirectListener listener;

    @AfterEach
    void tearDown() {
        if (listener != null) {
            listener.close();
        }
    }

    private LoopbackRedirectListener start(Function<URI, String> handler) throws IOException {
        listener = LoopbackRedirectListener.start(0, "/oauth/callback", uri -> {
            received.add(uri);
            return handler.apply(uri);
        });
        return listener;
    }

    /** Sends raw request bytes and returns the whole answer. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", listener.redirectUri().getPort()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String get(String target) throws IOException {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + listener.redirectUri().getPort()
                + "\r\nUser-Agent: test\r\n\r\n");
    }

    @Test
    void theRedirectReachesTheHandlerAndTheTextIsEscaped() throws IOException {
        start(uri -> "Done <script>alert('x')</script> & close");
        int port = listener.redirectUri().getPort();
        assertThat(listener.redirectUri()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/oauth/callback"));

        String answer = get("/oauth/callback?code=x&state=y");

        assertThat(received).containsExactly(URI.create("http://127.0.0.1:" + port + "/oauth/callback?code=x&state=y"));
        assertThat(received.get(0).getQuery()).isEqualTo("code=x&state=y");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Type: text/html; charset=utf-8\r\n")
                .contains("Content-Security-Policy: default-src 'none'\r\n")
                .contains("Cache-Control: no-store\r\n")
                .contains("Connection: close\r\n")
                .contains("Done &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; close")
                .doesNotContain("<script>");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(answer).contains("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
    }

    @Test
    void aRealHttpClientGetsTheAnswer() throws Exception {
        start(uri -> "Signed in: you can close this window.");
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(
                java.net.http.HttpRequest.newBuilder(URI.create(listener.redirectUri() + "?code=4%2F0Ab&state=s1"))
                        .timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Signed in: you can close this window.");
        assertThat(received.get(0).getRawQuery()).isEqualTo("code=4%2F0Ab&state=s1");
    }

    @Test
    void aWrongPathIs404() throws IOException {
        start(uri -> "unexpected");
        assertThat(get("/favicon.ico")).startsWith("HTTP/1.1 404 ");
        assertThat(get("/oauth/callback/extra?code=x")).startsWith("HTTP/1.1 404 ");
        assertThat(received).isEmpty();
    }

    @Test
    void postIs405() throws IOException {
        start(uri -> "unexpected");
        String answer = exchange("POST /oauth/callback?code=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\na=b");
        assertThat(answer).startsWith("HTTP/1.1 405 ").contains("Allow: GET\r\n");
        assertThat(received).isEmpty();
    }

    @Test
    void malformedRequestsAre400() throws IOException {
        start(uri -> "unexpected");
        assertThat(exchange("HELLO\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(get("/oauth/callback")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /oauth/callback?code=x HTTP/1.1\r\nHost: attacker.example\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
        assertThat(get("/oauth/callback?code=a b")).startsWith("HTTP/1.1 400 ");
        assertThat(received).isEmpty();
    }

    @Test
    void anOverlongRequestLineIsRefused() throws IOException {
        start(uri -> "unexpected");
        String answer = get("/oauth/callback?code=" + "a".repeat(10_000));
        assertThat(answer).startsWith("HTTP/1.1 414 ");
        assertThat(received).isEmpty();
    }

    @Test
    void overlongHeadersAreRefused() throws IOException {
        start(uri -> "unexpected");
        String answer = exchange("GET /oauth/callback?code=x HTTP/1.1\r\nCookie: " + "c".repeat(9_000) + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431 ");
        assertThat(received).isEmpty();
    }

    @Test
    void aFailingHandlerGivesAGeneric500() throws IOException {
        start(uri -> {
            throw new IllegalStateException("bad code " + uri.getQuery());
        });
        String answer = get("/oauth/callback?code=SECRET-CODE&state=s");
        assertThat(answer).startsWith("HTTP/1.1 500 ").doesNotContain("SECRET-CODE").doesNotContain("bad code");
    }

    @Test
    void anIdleConnectionDoesNotHoldUpTheRedirect() throws IOException {
        start(uri -> "ok");
        try (Socket idle = new Socket("127.0.0.1", listener.redirectUri().getPort())) {
            assertThat(idle.isConnected()).isTrue();
            long start = System.nanoTime();
            assertThat(get("/oauth/callback?code=x&state=y")).startsWith("HTTP/1.1 200 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void closeStopsTheThreadsAndFreesThePort() throws IOException {
        start(uri -> "ok");
        int port = listener.redirectUri().getPort();
        get("/oauth/callback?code=x&state=y");
        assertThat(liveThreads("mfpoauth-redirect-")).contains("mfpoauth-redirect-" + port);

        try (Socket idle = new Socket("127.0.0.1", port)) {
            assertThat(idle.isConnected()).isTrue();
            listener.close();
            listener.close();
            assertThat(liveThreads("mfpoauth-redirect-")).isEmpty();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

    @Test
    void theHandlerMayCloseTheListener() throws Exception {
        AtomicReference<LoopbackRedirectListener> self = new AtomicReference<>();
        start(uri -> {
            self.get().close();
            return "Thanks";
        });
        self.set(listener);
        assertThat(get("/oauth/callback?code=x&state=y")).startsWith("HTTP/1.1 200 ").contains("Thanks");
        for (int i = 0; i < 200 && !liveThreads("mfpoauth-redirect-").isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(liveThreads("mfpoauth-redirect-")).isEmpty();
    }

    @Test
    void itListensOnLoopbackOnly() throws IOException {
        start(uri -> "ok");
        InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElse(null);
        assumeThat(external).as("a non-loopback IPv4 address on this machine").isNotNull();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external, listener.redirectUri().getPort()), 2000);
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void refusesABadPath() {
        assertThatThrownBy(() -> LoopbackRedirectListener.start(0, "callback", u -> "")).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackRedirectListener.start(0, "/cb?x=1", u -> "")).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void escapesHtml() {
        assertThat(LoopbackRedirectListener.escapeHtml("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
