package io.mfpoauth.token.service.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted OAuth 2.0 server for unit tests of one class: each endpoint answers from a queue of canned replies,
 * then from a fallback. Records every request with the (fake) time it arrived. The integration tests use a real
 * authorization server instead.
 */
final class FakeAuthServer implements AutoCloseable {

    record Reply(int status, String body, String contentType, Map<String, String> headers, long delayMillis) {
        static Reply json(int status, String body) {
            return new Reply(status, body, "application/json", Map.of(), 0);
        }

        Reply delayed(long millis) {
            return new Reply(status, body, contentType, headers, millis);
        }

        Reply header(String name, String value) {
            Map<String, String> h = new java.util.HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, body, contentType, h, delayMillis);
        }
    }

    record Request(String path, Map<String, String> form, long atNanos) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Ticker clock;
    private final Map<String, ConcurrentLinkedQueue<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Function<Map<String, String>, Reply>> fallbacks = new ConcurrentHashMap<>();
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    FakeAuthServer(Ticker clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Queues replies for a path, answered in order. */
    FakeAuthServer script(String path, Reply... replies) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
        return this;
    }

    /** Answers a path with {@code f} once its queue is empty. */
    FakeAuthServer fallback(String path, Function<Map<String, String>, Reply> f) {
        fallbacks.put(path, f);
        return this;
    }

    List<Request> requests(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> form = TokenEngine.parseQuery(body);
        requests.add(new Request(path, form, clock.nanoTime()));
        ConcurrentLinkedQueue<Reply> q = scripts.get(path);
        Reply reply = q == null ? null : q.poll();
        if (reply == null) {
            Function<Map<String, String>, Reply> f = fallbacks.get(path);
            reply = f == null ? Reply.json(404, "{\"error\":\"not_found\"}") : f.apply(form);
        }
        if (reply.delayMillis() > 0) {
            try {
                Thread.sleep(reply.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
