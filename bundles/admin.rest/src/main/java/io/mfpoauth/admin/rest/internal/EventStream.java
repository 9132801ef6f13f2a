package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One client's {@code text/event-stream}: frames wait in a small queue and are written with the servlet's
 * non-blocking output, so neither EventAdmin nor the shared timer thread ever waits for a client. When the queue is
 * full the client is too slow and is dropped.
 */
final class EventStream implements EventStreams.Stream, WriteListener, AsyncListener {
    static final int QUEUE = 32;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Executor writer;
    private final BooleanSupplier signedIn;
    private final Consumer<EventStream> ended;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private boolean flushPending;
    private volatile boolean closed;

    EventStream(AsyncContext async, ServletOutputStream out, Executor writer, BooleanSupplier signedIn,
            Consumer<EventStream> ended) {
        this.async = async;
        this.out = out;
        this.writer = writer;
        this.signedIn = signedIn;
        this.ended = ended;
    }

    /** Starts writing (on the request's thread, after {@code startAsync}). */
    void start() {
        async.addListener(this);
        out.setWriteListener(this);
    }

    @Override
    public boolean offer(byte[] frame) {
        if (closed || !queue.offer(frame)) {
            return false;
        }
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The component is stopping and closes every stream.
        }
        return true;
    }

    @Override
    public boolean signedIn() {
        return signedIn.getAsBoolean();
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    /** Writes what the output takes now; the container calls {@link #onWritePossible} when it takes more. */
    private synchronized void drain() {
        try {
            while (!closed && out.isReady()) {
                if (flushPending) {
                    flushPending = false;
                    out.flush();
                    continue;
                }
                byte[] frame = queue.poll();
                if (frame == null) {
                    return;
                }
                out.write(frame);
                flushPending = true;
            }
        } catch (IOException | IllegalStateException e) {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ended.accept(this);
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // Completed already (the client left).
        }
    }

    @Override
    public void onError(Throwable failure) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        closed = true;
        ended.accept(this);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not restarted.
    }
}
