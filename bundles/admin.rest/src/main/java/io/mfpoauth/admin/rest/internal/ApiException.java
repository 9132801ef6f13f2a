package io.mfpoauth.admin.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An answer other than success, with its JSON body ({@code {"error", "field", "message"}} as the contract names
 * them) and any header it needs (Retry-After, WWW-Authenticate, Allow). Thrown by the request handling and written
 * by the servlet; the message is for the administrator and never holds a secret.
 */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ObjectNode body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    ApiException(int status, ObjectNode body) {
        super(body.path("message").asText(body.path("error").asText()), null, false, false);
        this.status = status;
        this.body = body;
    }

    /** {@code {"error": error, "message": message}} (message omitted when null). */
    static ApiException of(int status, String error, String message) {
        ObjectNode body = Json.object();
        body.put("error", error);
        Json.put(body, "message", message);
        return new ApiException(status, body);
    }

    /** 400: a bad value, naming the field as the contract names it (null when no one field is to blame). */
    static ApiException badRequest(String field, String message) {
        ObjectNode body = Json.object();
        body.put("error", "bad_request");
        Json.put(body, "field", field);
        Json.put(body, "message", message);
        return new ApiException(400, body);
    }

    /** 404 {@code {"error":"not_found"}}: unknown path, slot, setting, provider, feature. */
    static ApiException notFound() {
        return of(404, "not_found", null);
    }

    /** 409 {@code {"error":"conflict","message"}}: the action conflicts with the state. */
    static ApiException conflict(String message) {
        return of(409, "conflict", message);
    }

    /** 503: a service this endpoint needs is not installed or not running. */
    static ApiException unavailable(String message) {
        return of(503, "unavailable", message);
    }

    /** 413: the body is larger than {@code limit} bytes. */
    static ApiException tooLarge(long limit) {
        return of(413, "too_large", "The body is larger than the " + Bodies.describe(limit) + " allowed");
    }

    /** 415: the body is not of the type this endpoint reads. */
    static ApiException unsupportedType(String expected) {
        return of(415, "unsupported_media_type", "The body must be " + expected);
    }

    /** Adds a header to the answer. */
    ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    int status() {
        return status;
    }

    ObjectNode body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }
}
