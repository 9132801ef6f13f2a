package io.mfpoauth.token.service.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

class JdkOAuthHttpTest {
    private static final int LIMIT = 65536;
    private static final String CANARY = "CANARY-secret-4b1d";

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static String base;

    private JdkOAuthHttp http;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/json", ex -> send(ex, 200, "application/json",
                "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":3599}", Map.of()));
        server.createContext("/error400", ex -> send(ex, 400, "application/json; charset=utf-8",
                "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: expired\",\"error_codes\":[70008]}",
                Map.of()));
        server.createContext("/html500", ex -> send(ex, 500, "text/html",
                "<html><body><h1>Internal Server Error</h1></body></html>", Map.of()));
        server.createContext("/busy503", ex -> send(ex, 503, "application/json",
                "{\"error\":\"temporarily_unavailable\"}", Map.of("Retry-After", "7")));
        server.createContext("/slow429", ex -> send(ex, 429, "text/plain", "", Map.of("Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120)))));
        server.createContext("/invalid", ex -> send(ex, 200, "application/json", "{\"access_token\": \"at\",",
                Map.of()));
        server.createContext("/redirect", ex -> send(ex, 302, "text/html", "moved",
                Map.of("Location", "/json")));
        server.createContext("/big", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 10L * 1024 * 1024);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 160; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client stopped reading, as it should
            }
        });
        server.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ObjectMapper m = new ObjectMapper();
            var node = m.createObjectNode().put("method", ex.getRequestMethod()).put("body", body)
                    .put("contentType", ex.getRequestHeaders().getFirst("Content-Type"))
                    .put("accept", ex.getRequestHeaders().getFirst("Accept"));
            send(ex, 200, "application/json", m.writeValueAsString(node), Map.of());
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void send(HttpExchange ex, int status, String type, String body, Map<String, String> headers)
            throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @BeforeEach
    void setUp() {
        http = new JdkOAuthHttp(settings(Duration.ofSeconds(1)));
    }

    @AfterEach
    void tearDown() {
        http.close();
    }

    private static HttpSettings settings(Duration requestTimeout) {
        return new HttpSettings(Duration.ofSeconds(1), requestTimeout, LIMIT, null, 0);
    }

    private static URI uri(String path) {
        return URI.create(base + path);
    }

    @Test
    void theJdkClientIsBuiltAtTheFirstExchangeNotWithTheObject() throws IOException {
        long selectorsBefore = selectorThreads();
        JdkOAuthHttp unused = new JdkOAuthHttp(settings(Duration.ofSeconds(1)));
        try {
            // building the JDK client starts its selector thread (and sets up TLS): none yet
            assertThat(selectorThreads()).isLessThanOrEqualTo(selectorsBefore);
        } finally {
            unused.close();
        }
        assertThatThrownBy(() -> unused.get(uri("/json"))).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")).count();
    }

    @Test
    void jsonOk() throws IOException {
        HttpReply reply = http.postForm(uri("/json"), Map.of("grant_type", "refresh_token"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.problem()).isNull();
        assertThat(reply.text("access_token")).isEqualTo("at");
        assertThat(reply.number("expires_in", 0)).isEqualTo(3599);
        assertThat(reply.retryAfter()).isEmpty();
    }

    @Test
    void jsonError400() throws IOException {
        HttpReply reply = http.postForm(uri("/error400"), Map.of("a", "b"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text("error")).isEqualTo("invalid_grant");
        assertThat(reply.json().get("error_codes").get(0).asLong()).isEqualTo(70008);
    }

    @Test
    void htmlErrorPage500() throws IOException {
        HttpReply reply = http.postForm(uri("/html500"), Map.of());
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.json()).isNull();
        assertThat(reply.problem()).isEqualTo("not JSON (text/html)");
    }

    @Test
    void retryAfterSeconds503() throws IOException {
        HttpReply reply = http.get(uri("/busy503"));
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(reply.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterDate429() throws IOException {
        HttpReply reply = http.postForm(uri("/slow429"), Map.of());
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.problem()).isEqualTo("empty body");
        assertThat(reply.retryAfter()).hasValueSatisfying(
                d -> assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121)));
    }

    @Test
    void invalidJson() throws IOException {
        HttpReply reply = http.get(uri("/invalid"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isNull();
        assertThat(reply.problem()).isEqualTo("invalid JSON (application/json)");
    }

    @Test
    void redirectsAreNotFollowed() throws IOException {
        HttpReply reply = http.postForm(uri("/redirect"), Map.of("a", "b"));
        assertThat(reply.status()).isEqualTo(302);
        assertThat(reply.problem()).isEqualTo("not JSON (text/html)");
    }

    @Test
    void tenMegabyteBodyIsCutAtTheLimit() throws IOException {
        long start = System.nanoTime();
        HttpReply reply = http.get(uri("/big"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isNull();
        assertThat(reply.problem()).isEqualTo("larger than 65536 bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void endlessBodyIsCutAtTheLimit() throws Exception {
        try (RawServer endless = new RawServer(socket -> {
            readHead(socket);
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"a\":\""
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[8192];
            java.util.Arrays.fill(chunk, (byte) 'x');
            while (true) {
                out.write(chunk); // until the client hangs up
            }
        })) {
            HttpReply reply = http.get(endless.uri("/endless"));
            assertThat(reply.problem()).isEqualTo("larger than 65536 bytes");
        }
    }

    @Test
    void tricklingBodyTimesOut() throws Exception {
        try (RawServer trickle = new RawServer(socket -> {
            readHead(socket);
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 50; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(200);
            }
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.postForm(trickle.uri("/token"), Map.of("refresh_token", CANARY)))
                    .isInstanceOf(IOException.class).hasMessageContaining("timed out")
                    .hasMessageContaining("127.0.0.1").hasMessageNotContaining(CANARY);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
                    Duration.ofMillis(2500));
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (RawServer silent = new RawServer(socket -> {
            readHead(socket);
            socket.getInputStream().read(); // silent until the client hangs up
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.get(silent.uri("/.well-known/openid-configuration")))
                    .isInstanceOf(IOException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void connectionResetIsAnIOException() throws Exception {
        try (RawServer reset = new RawServer(socket -> {
            socket.setSoLinger(true, 0);
            socket.close();
        })) {
            assertThatThrownBy(() -> http.postForm(reset.uri("/token"), Map.of("client_secret", CANARY)))
                    .isInstanceOf(IOException.class).hasMessageContaining("POST http://127.0.0.1:")
                    .hasMessageNotContaining(CANARY);
        }
    }

    @Test
    void connectionRefusedIsAnIOException() throws IOException {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/token");
        assertThatThrownBy(() -> http.postForm(closed, Map.of("refresh_token", CANARY)))
                .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + port)
                .hasMessageNotContaining(CANARY);
    }

    @Test
    void plainHttpToTheNetworkIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> http.postForm(URI.create("http://example.com/token"), Map.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://example.com/token");
        assertThatThrownBy(() -> http.get(URI.create("http://example.com/.well-known/openid-configuration")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formIsEncodedAsUtf8WithProperEscapes() throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("v", "a b&c=d");
        form.put("a b&c=d", "é+/");
        form.put("scope", "https://outlook.office.com/SMTP.Send offline_access");
        HttpReply reply = http.postForm(uri("/echo"), form);
        assertThat(reply.text("method")).isEqualTo("POST");
        assertThat(reply.text("body")).isEqualTo("v=a+b%26c%3Dd&a+b%26c%3Dd=%C3%A9%2B%2F"
                + "&scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send+offline_access");
        assertThat(reply.text("contentType")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(reply.text("accept")).isEqualTo("application/json");
    }

    @Test
    void getSendsAcceptJson() throws IOException {
        HttpReply reply = http.get(uri("/echo"));
        assertThat(reply.text("method")).isEqualTo("GET");
        assertThat(reply.text("accept")).isEqualTo("application/json");
    }

    @Test
    void nullFormValuesAreRefusedWithoutTheValues() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_secret", CANARY);
        form.put("code", null);
        assertThatThrownBy(() -> http.postForm(uri("/echo"), form)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code").hasMessageNotContaining(CANARY);
    }

    @Test
    void closeStopsEveryThreadAndRefusesLaterRequests() throws IOException {
        for (int i = 0; i < 3; i++) {
            http.get(uri("/json"));
        }
        http.close();
        http.close();
        assertThat(liveThreads("mfpoauth-http-")).isEmpty();
        assertThatThrownBy(() -> http.get(uri("/json"))).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closeAbortsAnExchangeInProgress() throws Exception {
        JdkOAuthHttp patient = new JdkOAuthHttp(settings(Duration.ofSeconds(20)));
        try (RawServer silent = new RawServer(socket -> {
            readHead(socket);
            socket.getInputStream().read(); // silent until the client hangs up
        })) {
            CompletableFuture<HttpReply> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return patient.get(silent.uri("/x"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200); // let it connect and wait for the answer
            long start = System.nanoTime();
            patient.close();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("was aborted: the HTTP client was closed");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(liveThreads("mfpoauth-http-")).isEmpty();
        } finally {
            patient.close();
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new HttpSettings(Duration.ZERO, Duration.ofSeconds(1), 10, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 10, "proxy", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 10, "  ", 0).hasProxy()).isFalse();
        assertThat(HttpSettings.defaults().maxBodyBytes()).isEqualTo(65536);
    }

    @Test
    void requestsGoThroughTheConfiguredProxy() throws Exception {
        // a "proxy" that answers every request itself: reaching it proves the request was routed there
        try (RawServer proxy = new RawServer(socket -> {
            String head = readHead(socket);
            String body = "{\"requestLine\":\"" + head.lines().findFirst().orElse("") + "\"}";
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        }); JdkOAuthHttp viaProxy = new JdkOAuthHttp(new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                LIMIT, "127.0.0.1", proxy.uri("/").getPort()))) {
            HttpReply reply = viaProxy.get(URI.create("http://localhost:9/.well-known/openid-configuration"));
            assertThat(reply.text("requestLine"))
                    .isEqualTo("GET http://localhost:9/.well-known/openid-configuration HTTP/1.1");
        }
    }

    static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
    }

    /** Reads a request's head (and ignores any body). */
    static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
