package io.mfpoauth.itest.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.mfpoauth.itest.keycloak.Json;

/**
 * A script's view of the admin REST API ({@code /api/v1}, README "Admin REST API"): HTTP Basic as the
 * administrator, JSON in and out. Every answer is kept, so a test can search them all for a token afterwards.
 */
public final class AdminApi {

    /** One answer. */
    public static final class Reply {
        public final int status;
        public final String body;
        public final HttpResponse<String> response;

        Reply(HttpResponse<String> response) {
            this.status = response.statusCode();
            this.body = response.body();
            this.response = response;
        }

        public Map<String, Object> object() {
            return Json.object(body);
        }

        public List<Object> array() {
            return Json.array(body);
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String authorization;
    private final List<Reply> replies = Collections.synchronizedList(new ArrayList<>());

    public AdminApi(URI base, String user, String password) {
        this.base = base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Reply put(String path, Object json) throws IOException, InterruptedException {
        return send("PUT", path, Json.write(json));
    }

    public Reply post(String path, Object json) throws IOException, InterruptedException {
        return send("POST", path, json == null ? "" : Json.write(json));
    }

    public Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    public Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException closedMeanwhile) {
            // The server may close a kept-alive connection after refusing a request whose body it did not read
            // (a 401 before reading); the client only learns it on its next request: once more, on a new one.
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        Reply reply = new Reply(response);
        replies.add(reply);
        return reply;
    }

    /** Every answer this client received, bodies and headers. */
    public List<Reply> replies() {
        synchronized (replies) {
            return new ArrayList<>(replies);
        }
    }
}
