package io.mfpoauth.admin.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful answer: a status with a JSON body, no body (204), or other content (the QR code's SVG), and any header
 * it needs (Set-Cookie).
 */
record Reply(int status, JsonNode json, String contentType, byte[] content, Map<String, String> headers) {

    static Reply ok(JsonNode json) {
        return of(200, json);
    }

    static Reply of(int status, JsonNode json) {
        return new Reply(status, json, null, null, new LinkedHashMap<>());
    }

    static Reply noContent() {
        return new Reply(204, null, null, null, new LinkedHashMap<>());
    }

    static Reply content(String contentType, byte[] content) {
        return new Reply(200, null, contentType, content, new LinkedHashMap<>());
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
