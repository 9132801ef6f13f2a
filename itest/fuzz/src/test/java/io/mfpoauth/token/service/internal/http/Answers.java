package io.mfpoauth.token.service.internal.http;

import java.time.Instant;

import com.fasterxml.jackson.databind.json.JsonMapper;

/** Opens {@link HttpReply#of} (package-private) to the fuzz targets: the same reading the HTTP client does. */
public final class Answers {
    private static final JsonMapper MAPPER = HttpReply.newMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** The client's own limit (64 KiB, maxResponseKilobytes). */
    public static final int LIMIT = 64 * 1024;

    private Answers() {
    }

    public static HttpReply reply(int status, String contentType, byte[] body, String retryAfter) {
        boolean oversized = body.length > LIMIT;
        byte[] kept = oversized ? java.util.Arrays.copyOf(body, LIMIT) : body;
        return HttpReply.of(status, contentType, kept, oversized, LIMIT, retryAfter, MAPPER, NOW);
    }
}
