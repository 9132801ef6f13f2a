package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletResponse;

/** Writes answers: JSON in UTF-8, never cached. */
final class Responses {
    static final String JSON_TYPE = "application/json; charset=utf-8";

    private Responses() {
    }

    static void write(HttpServletResponse response, Reply reply) throws IOException {
        prepare(response, reply.status(), reply.headers());
        if (reply.json() != null) {
            body(response, JSON_TYPE, Json.write(reply.json()));
        } else if (reply.content() != null) {
            body(response, reply.contentType(), reply.content());
        }
    }

    static void write(HttpServletResponse response, ApiException refusal) throws IOException {
        prepare(response, refusal.status(), refusal.headers());
        body(response, JSON_TYPE, Json.write(refusal.body()));
    }

    /** A JSON error for an answer not made by an {@link ApiException} (500). */
    static void write(HttpServletResponse response, int status, JsonNode body) throws IOException {
        prepare(response, status, Map.of());
        body(response, JSON_TYPE, Json.write(body));
    }

    private static void prepare(HttpServletResponse response, int status, Map<String, String> headers) {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        headers.forEach(response::setHeader);
    }

    private static void body(HttpServletResponse response, String contentType, byte[] bytes) throws IOException {
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
