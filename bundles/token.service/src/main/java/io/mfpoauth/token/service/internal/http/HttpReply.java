package io.mfpoauth.token.service.internal.http;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An answer of a provider's endpoint: its status, and its body as a JSON object or, when the body is not one,
 * a short reason for the administrator. {@link #toString()} never shows the body: it may hold tokens.
 */
public final class HttpReply {
    /** The longest wait a Retry-After header is trusted for. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final int status;
    private final ObjectNode json;
    private final String problem;
    private final Duration retryAfter;

    /**
     * @param status the HTTP status
     * @param json the body as a JSON object, or null when it is not one
     * @param problem why the body is not usable; null exactly when {@code json} is not null
     * @param retryAfter the wait the server asked for, or null; capped at {@link #MAX_RETRY_AFTER}
     */
    public HttpReply(int status, ObjectNode json, String problem, Duration retryAfter) {
        if ((json == null) == (problem == null)) {
            throw new IllegalArgumentException("A reply has either a JSON object or a problem");
        }
        this.status = status;
        this.json = json;
        this.problem = problem;
        this.retryAfter = retryAfter == null ? null : cap(retryAfter);
    }

    public int status() {
        return status;
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body parsed as a JSON object, or null when it is not one. */
    public ObjectNode json() {
        return json;
    }

    /**
     * Null when {@link #json()} is not null; otherwise a short reason for an administrator: {@code "not JSON
     * (text/html)"}, {@code "empty body"}, {@code "larger than 65536 bytes"}, {@code "JSON but not an object"}.
     */
    public String problem() {
        return problem;
    }

    /** The wait a {@code Retry-After} header asked for (seconds or an HTTP date), at most one hour. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The field as text when it is a string (or a number: its digits); null when absent, or of another type. */
    public String text(String field) {
        if (json == null) {
            return null;
        }
        JsonNode value = json.get(field);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return value.asText();
        }
        return null;
    }

    /**
     * The field as a whole number, when it is a number or a string of digits (some servers quote
     * {@code expires_in}); otherwise {@code fallback}.
     */
    public long number(String field, long fallback) {
        if (json == null) {
            return fallback;
        }
        JsonNode value = json.get(field);
        if (value == null) {
            return fallback;
        }
        if (value.isNumber()) {
            return value.canConvertToLong() ? value.asLong() : fallback;
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.textValue().trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    @Override
    public String toString() {
        return "HttpReply[status=" + status + (json != null ? ", JSON object" : ", problem=" + problem)
                + (retryAfter != null ? ", retryAfter=" + retryAfter.toSeconds() + "s" : "") + "]";
    }

    /** The parser settings {@link #of} expects: no trailing content, no body text in error messages. */
    static JsonMapper newMapper() {
        return JsonMapper.builder()
                // a parse error must not quote the body: it may hold a token
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Reads a received answer.
     *
     * @param body the bytes read, at most the limit
     * @param oversized whether the body went on past {@code limit} bytes (and was cut)
     */
    static HttpReply of(int status, String contentType, byte[] body, boolean oversized, int limit,
            String retryAfterHeader, ObjectMapper mapper, Instant now) {
        Duration retryAfter = parseRetryAfter(retryAfterHeader, now).orElse(null);
        if (oversized) {
            return new HttpReply(status, null, "larger than " + limit + " bytes", retryAfter);
        }
        if (body.length == 0) {
            return new HttpReply(status, null, "empty body", retryAfter);
        }
        String mediaType = mediaType(contentType);
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (IOException e) {
            // the parser's message may quote the body: keep only that it failed
            boolean saidJson = mediaType != null && (mediaType.equals("application/json") || mediaType.endsWith("+json"));
            return new HttpReply(status, null,
                    (saidJson ? "invalid JSON (" : "not JSON (") + (mediaType == null ? "no content type" : mediaType)
                            + ")",
                    retryAfter);
        }
        if (node == null || node.isMissingNode()) {
            return new HttpReply(status, null, "empty body", retryAfter);
        }
        if (!node.isObject()) {
            return new HttpReply(status, null, "JSON but not an object", retryAfter);
        }
        return new HttpReply(status, (ObjectNode) node, null, retryAfter);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3); empty when absent or unreadable. */
    static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        // trim() also drops control characters, which isBlank() does not count as blank: "\0" trims to nothing
        String value = header.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (value.length() > 10) {
                return Optional.of(MAX_RETRY_AFTER);
            }
            return Optional.of(cap(Duration.ofSeconds(Long.parseLong(value))));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(cap(Duration.between(now, at)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration cap(Duration d) {
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        // the header is the server's text: keep it short and printable in an administrator's message
        if (type.length() > 60 || !type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            return "unrecognised content type";
        }
        return type;
    }
}
