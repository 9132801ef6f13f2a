package io.mfpoauth.admin.rest.internal;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import io.mfpoauth.token.TokenStatus;

/**
 * The open event streams: at most a fixed number at once; every token event goes to each of them without waiting.
 * A stream whose queue is full (a client that does not read) or whose session ended is dropped.
 */
final class EventStreams {
    /** A comment line: keeps proxies and the browser from closing an idle stream. */
    static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    /** One client's stream. */
    interface Stream {
        /** Queues a frame without waiting; false when the queue is full or the stream closed. */
        boolean offer(byte[] frame);

        /** Whether its administrator is still signed in. */
        boolean signedIn();

        /** Ends the stream (the client sees the end of the response). */
        void close();
    }

    private final Semaphore permits;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Set by {@link #closeAll}: a request that was starting a stream meanwhile must not outlive the component. */
    private volatile boolean closed;

    EventStreams(int max) {
        this.permits = new Semaphore(max);
    }

    /** Takes a place for a new stream; false when the most are open already, or the streams were closed. */
    boolean reserve() {
        return !closed && permits.tryAcquire();
    }

    /** Gives back a place taken with {@link #reserve} that was not used. */
    void cancel() {
        permits.release();
    }

    /**
     * A stream that took its place with {@link #reserve}; false (its place given back) when {@link #closeAll} came
     * first: the caller then closes it. Added before {@code closed} is read, so a {@link #closeAll} running at the
     * same time either sees it or is seen by it.
     */
    boolean open(Stream stream) {
        open.add(stream);
        if (closed) {
            remove(stream);
            return false;
        }
        return true;
    }

    /** Forgets a stream that ended, giving its place back. */
    void remove(Stream stream) {
        if (open.remove(stream)) {
            permits.release();
        }
    }

    /** Queues a frame on every stream; drops those that cannot take it. Never waits. */
    void broadcast(byte[] frame) {
        for (Stream stream : open) {
            if (!stream.offer(frame)) {
                drop(stream);
            }
        }
    }

    /** The 25-second comment line; drops streams whose session ended or that do not read. */
    void keepAlive() {
        for (Stream stream : open) {
            if (!stream.signedIn() || !stream.offer(KEEP_ALIVE)) {
                drop(stream);
            }
        }
    }

    /** Drops the streams whose session ended (a log-out, a password change), without waiting for the keep-alive. */
    void dropSignedOut() {
        for (Stream stream : open) {
            if (!stream.signedIn()) {
                drop(stream);
            }
        }
    }

    /** Ends every stream, and every one opened from now on (the component stops). */
    void closeAll() {
        closed = true;
        open.forEach(this::drop);
    }

    int size() {
        return open.size();
    }

    private void drop(Stream stream) {
        remove(stream);
        stream.close();
    }

    /** {@code event: token} with the status as {@code data} (one line: the JSON has no line break). */
    static byte[] tokenFrame(TokenStatus status) {
        return ("event: token\ndata: " + new String(Json.write(Views.tokenStatus(status)), StandardCharsets.UTF_8)
                + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
