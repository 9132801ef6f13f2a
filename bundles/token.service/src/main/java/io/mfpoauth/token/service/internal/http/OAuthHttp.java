package io.mfpoauth.token.service.internal.http;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The HTTP exchanges of the OAuth protocols. An answer with any status is a {@link HttpReply}; only a failure to
 * get an answer (network, timeout, TLS) is an exception. Thread-safe.
 */
public interface OAuthHttp extends AutoCloseable {

    /**
     * POSTs {@code application/x-www-form-urlencoded} (UTF-8) with {@code Accept: application/json}.
     *
     * @throws IllegalArgumentException when {@code uri} is neither https nor http to loopback
     * @throws IOException on network faults (connection refused or reset, timeout including a trickling body,
     *         TLS); the message names the host, never the form values
     */
    HttpReply postForm(URI uri, Map<String, String> form) throws IOException;

    /** GETs with {@code Accept: application/json} (discovery documents). Same rules as {@link #postForm}. */
    HttpReply get(URI uri) throws IOException;

    /** Aborts exchanges in progress and stops the threads; idempotent. */
    @Override
    void close();
}
