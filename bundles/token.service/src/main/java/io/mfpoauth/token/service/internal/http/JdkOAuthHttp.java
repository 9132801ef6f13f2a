package io.mfpoauth.token.service.internal.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@link OAuthHttp} on the JDK's {@link HttpClient}, with its own small pool of daemon threads
 * ({@code mfpoauth-http-N}) that {@link #close()} stops.
 *
 * <p>About the JDK 17 client after close: it has no {@code close()} (that came in JDK 21). Besides our pool it
 * runs one thread of its own, {@code HttpClient-<n>-SelectorManager}. That thread ends by itself once the client
 * object is no longer referenced (it holds it through a weak reference) and no exchange is pending: it checks on
 * every wake-up of its selector, at least every 3 s ({@code jdk.internal.httpclient.selectorTimeout}). So
 * {@link #close()} aborts every exchange in progress and drops its reference to the client; the selector thread
 * then goes after the next garbage collection (checked on 17.0.21: gone within a selector wake-up of a GC). Tasks the client still hands to our pool after it was shut down are
 * run by the JDK on the common pool instead (its DelegatingExecutor falls back to it), so nothing hangs.
 */
public final class JdkOAuthHttp implements OAuthHttp {
    private static final String USER_AGENT = "mfpoauth-token-service";
    private static final int POOL_THREADS = 2;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final HttpSettings settings;
    private final NamedThreads threads = new NamedThreads("mfpoauth-http-");
    private final ThreadPoolExecutor executor;
    private final JsonMapper mapper;
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    /**
     * Built at the first exchange, not with this object: building it sets up the JDK's TLS (the default SSL context
     * reads and parses the CA certificates), which took a second and more of the token service's activation on a
     * cold JVM, on the firmware's start path, for a client a device with no token never uses. Guarded by this.
     */
    private HttpClient client;
    private volatile boolean closed;

    public JdkOAuthHttp(HttpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        // an idle device refreshes a token once an hour: no reason to keep threads in between
        executor.allowCoreThreadTimeOut(true);
        this.mapper = HttpReply.newMapper();
    }

    private HttpClient newClient() {
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1: one exchange per connection, so cancelling a cut-off or timed-out exchange closes its
                // connection; HTTP/2 would only reset a stream and gains nothing for a few small requests
                .version(HttpClient.Version.HTTP_1_1)
                // a token endpoint that redirects is misconfigured; following could re-send the form elsewhere
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .executor(executor);
        if (settings.hasProxy()) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(settings.proxyHost(), settings.proxyPort())));
        } else {
            // not the JVM-wide default selector: the device's proxy setting is the only one that applies
            builder.proxy(HttpClient.Builder.NO_PROXY);
        }
        return builder.build();
    }

    /** The client, built on first use; {@code null} once closed. */
    private synchronized HttpClient client() {
        if (closed) {
            return null;
        }
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    @Override
    public HttpReply postForm(URI uri, Map<String, String> form) throws IOException {
        Objects.requireNonNull(form, "form");
        Urls.requireSecure(uri);
        HttpRequest request = baseRequest(uri)
                // no charset parameter: the media type defines none, and the encoded body is plain ASCII anyway
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encodeForm(form), StandardCharsets.US_ASCII))
                .build();
        return exchange(request);
    }

    @Override
    public HttpReply get(URI uri) throws IOException {
        Urls.requireSecure(uri);
        return exchange(baseRequest(uri).GET().build());
    }

    /**
     * Aborts the exchanges in progress (their callers get an IOException), shuts the pool down and waits up to
     * 2 s for its threads to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            client = null; // lets the JDK's selector thread end, see the class comment
        }
        for (Call call : calls) {
            call.abort(new IOException("the HTTP client was closed"));
        }
        executor.shutdownNow();
        threads.awaitAll(CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return "JdkOAuthHttp[" + settings + (closed ? ", closed" : "") + "]";
    }

    /** {@code application/x-www-form-urlencoded}, UTF-8, in the map's order. */
    static String encodeForm(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        for (Map.Entry<String, String> field : form.entrySet()) {
            if (field.getKey() == null || field.getValue() == null) {
                throw new IllegalArgumentException("The form field '" + field.getKey() + "' has no value");
            }
            body.add(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    private HttpRequest.Builder baseRequest(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
    }

    private HttpReply exchange(HttpRequest request) throws IOException {
        String where = request.method() + " " + Urls.forMessages(request.uri());
        Call call = new Call(settings.maxBodyBytes());
        calls.add(call);
        try {
            HttpClient c = client();
            if (c == null) {
                throw new IOException(where + " not sent: the HTTP client is closed");
            }
            // the client's own timeout stops when the headers arrive; this one also covers the body
            long timeoutNanos = settings.requestTimeout().toNanos();
            CompletableFuture<HttpResponse<BoundedBodySubscriber.Body>> future = c.sendAsync(request, call);
            call.started(future);
            HttpResponse<BoundedBodySubscriber.Body> response;
            try {
                response = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.abort(new HttpTimeoutException("timed out"));
                throw new HttpTimeoutException(where + " timed out after " + settings.requestTimeout().toMillis()
                        + " ms");
            } catch (InterruptedException e) {
                call.abort(new InterruptedIOException("interrupted"));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(where + " was interrupted");
            } catch (CancellationException e) {
                throw new IOException(where + " was aborted: the HTTP client was closed", e);
            } catch (ExecutionException e) {
                throw failure(where, e.getCause() == null ? e : e.getCause());
            }
            BoundedBodySubscriber.Body body = response.body();
            return HttpReply.of(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    body.bytes(), body.oversized(), settings.maxBodyBytes(),
                    response.headers().firstValue("Retry-After").orElse(null), mapper, Instant.now());
        } finally {
            calls.remove(call);
        }
    }

    /** An IOException naming the request and the kind of fault; no request content is ever in it. */
    private IOException failure(String where, Throwable cause) {
        if (closed) {
            return new IOException(where + " was aborted: the HTTP client was closed", cause);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new HttpConnectTimeoutException(where + ": connecting timed out after "
                    + settings.connectTimeout().toMillis() + " ms");
        }
        if (cause instanceof HttpTimeoutException) {
            return new HttpTimeoutException(where + " timed out after " + settings.requestTimeout().toMillis()
                    + " ms");
        }
        if (cause instanceof ConnectException) {
            return new ConnectException(where + ": cannot connect (" + describe(cause) + ")");
        }
        if (cause instanceof SSLException) {
            return new SSLException(where + ": TLS failed (" + describe(cause) + ")", cause);
        }
        if (cause instanceof IOException) {
            return new IOException(where + " failed: " + describe(cause), cause);
        }
        return new IOException(where + " failed: " + describe(cause), cause);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            Throwable inner = t.getCause();
            if (inner != null && inner != t) {
                return describe(inner);
            }
            return t.getClass().getSimpleName();
        }
        return message;
    }

    /** One exchange: creates its body reader when the answer's headers arrive, and can abort it from outside. */
    private static final class Call implements HttpResponse.BodyHandler<BoundedBodySubscriber.Body> {
        private final int limit;
        private BoundedBodySubscriber subscriber;
        private CompletableFuture<?> future;
        private IOException aborted;

        Call(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized HttpResponse.BodySubscriber<BoundedBodySubscriber.Body> apply(
                HttpResponse.ResponseInfo info) {
            subscriber = new BoundedBodySubscriber(limit);
            if (aborted != null) {
                subscriber.abort(aborted);
            }
            return subscriber;
        }

        synchronized void started(CompletableFuture<?> f) {
            future = f;
            if (aborted != null) {
                f.cancel(true);
            }
        }

        synchronized void abort(IOException reason) {
            if (aborted != null) {
                return;
            }
            aborted = reason;
            if (subscriber != null) {
                subscriber.abort(reason);
            }
            if (future != null) {
                future.cancel(true);
            }
        }
    }
}
