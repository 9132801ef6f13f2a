package io.mfpoauth.bench.flows;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback authorization server answering at Microsoft's paths ({@code /<tenant>/oauth2/v2.0/devicecode} and
 * {@code .../token}), with the answers a benchmark scripts. Each form request is handed to {@link Script} with the
 * monotonic time it arrived; the answer's send time is recorded for the script too.
 */
final class TokenEndpointServer implements AutoCloseable {

    /** What the server answers; called on the server's threads. */
    interface Script {
        /** @return HTTP status and JSON body */
        Answer answer(String endpoint, Map<String, String> form, long arrivedNanos) throws InterruptedException;

        /** The answer to a request has been written and the exchange closed. */
        default void answered(String endpoint, Map<String, String> form, long sentNanos) {
        }
    }

    record Answer(int status, String json) {
        static Answer ok(String json) {
            return new Answer(200, json);
        }

        static Answer error(String code) {
            return new Answer(400, "{\"error\":\"" + code + "\",\"error_description\":\"scripted " + code + "\"}");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicInteger names = new AtomicInteger();

    TokenEndpointServer(Script script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "bench-auth-server-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        String base = "/" + Microsoft.TENANT + "/oauth2/v2.0/";
        for (String endpoint : new String[] {"devicecode", "token"}) {
            server.createContext(base + endpoint, exchange -> handle(exchange, endpoint, script));
        }
        server.start();
    }

    /** The authority to configure the Microsoft provider with. */
    String authority() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, String endpoint, Script script) throws IOException {
        long arrived = System.nanoTime();
        try (exchange) {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Answer answer;
            try {
                answer = script.answer(endpoint, form, arrived);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = new Answer(503, "{\"error\":\"temporarily_unavailable\"}");
            }
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            script.answered(endpoint, form, System.nanoTime());
        }
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
