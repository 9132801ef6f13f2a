package io.mfpoauth.token.service.internal.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a limit and stops reading one byte past it: a 10 MB or endless body costs at
 * most {@code limit + 1} bytes of our memory. It asks for one chunk at a time, so the client never queues more
 * than it has read from the socket.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<BoundedBodySubscriber.Body> {

    /** What was read: at most {@code limit} bytes, and whether more followed. */
    record Body(byte[] bytes, boolean oversized) {
    }

    private final int limit;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private byte[] buffer;
    private int length;
    private Flow.Subscription subscription;

    BoundedBodySubscriber(int limit) {
        this.limit = limit;
        this.buffer = new byte[Math.min(limit + 1, 8192)];
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (subscription != null || result.isDone()) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int room = limit + 1 - length;
            int take = Math.min(room, item.remaining());
            ensureCapacity(length + take);
            item.get(buffer, length, take);
            length += take;
            if (length > limit) {
                subscription.cancel();
                result.complete(new Body(Arrays.copyOf(buffer, limit), true));
                buffer = null;
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable error) {
        buffer = null;
        result.completeExceptionally(error);
    }

    @Override
    public synchronized void onComplete() {
        if (!result.isDone()) {
            result.complete(new Body(Arrays.copyOf(buffer, length), false));
        }
        buffer = null;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    /** Stops reading (a timeout, or the client closing): the connection is dropped, the body fails. */
    synchronized void abort(IOException reason) {
        if (subscription != null) {
            subscription.cancel();
        }
        buffer = null;
        result.completeExceptionally(reason);
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            int grown = (int) Math.min((long) limit + 1, Math.max(needed, 2L * buffer.length));
            buffer = Arrays.copyOf(buffer, grown);
        }
    }
}
