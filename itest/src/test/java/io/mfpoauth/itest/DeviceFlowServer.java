package io.mfpoauth.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small stateful authorization server with the device grant, refresh with rotation, and revocation, so the
 * token service's wiring in Felix can be driven through every state. It issues random tokens, remembers which
 * refresh token is current, and answers {@code invalid_grant} to any other. The test stands in for the
 * administrator by calling {@link #approve()}.
 */
final class DeviceFlowServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile boolean approved;
    private volatile String deviceCode;
    private volatile String refreshToken;

    DeviceFlowServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The administrator signed in and consented. */
    void approve() {
        approved = true;
    }

    /** The account was disabled: no refresh token works any more. */
    void revokeAll() {
        refreshToken = null;
    }

    private synchronized String answer(String path, Map<String, String> form) {
        switch (path) {
            case "/device":
                approved = false;
                deviceCode = UUID.randomUUID().toString();
                return "200{\"device_code\":\"" + deviceCode + "\",\"user_code\":\"ITST-CODE\","
                        + "\"verification_uri\":\"https://login.example.test/device\",\"expires_in\":300,\"interval\":1}";
            case "/token":
                tokenRequests.incrementAndGet();
                if ("refresh_token".equals(form.get("grant_type"))) {
                    if (refreshToken == null || !refreshToken.equals(form.get("refresh_token"))) {
                        return "400{\"error\":\"invalid_grant\",\"error_description\":\"account disabled\"}";
                    }
                    return issue();
                }
                if (deviceCode == null || !deviceCode.equals(form.get("device_code"))) {
                    return "400{\"error\":\"bad_verification_code\"}";
                }
                if (!approved) {
                    return "400{\"error\":\"authorization_pending\"}";
                }
                deviceCode = null;
                return issue();
            case "/revoke":
                return "200{}";
            default:
                return "404{\"error\":\"not_found\"}";
        }
    }

    private String issue() {
        refreshToken = "rt-" + UUID.randomUUID();
        return "200{\"access_token\":\"at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"" + refreshToken + "\"}";
    }

    private void handle(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String answer = answer(ex.getRequestURI().getPath(), form);
        byte[] bytes = answer.substring(3).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(Integer.parseInt(answer.substring(0, 3)), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
