package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class EventStreamsTest {

    /** A client with a queue of a few frames that nobody drains, unless told to read. */
    private static final class Client implements EventStreams.Stream {
        final List<byte[]> queued = new ArrayList<>();
        final int capacity;
        boolean signedIn = true;
        boolean closed;

        Client(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(byte[] frame) {
            if (closed || queued.size() >= capacity) {
                return false;
            }
            queued.add(frame);
            return true;
        }

        @Override
        public boolean signedIn() {
            return signedIn;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static void open(EventStreams streams, Client... clients) {
        for (Client client : clients) {
            assertThat(streams.reserve()).isTrue();
            assertThat(streams.open(client)).isTrue();
        }
    }

    @Test
    void atMostTheConfiguredNumberOfStreams() {
        EventStreams streams = new EventStreams(2);
        assertThat(streams.reserve()).isTrue();
        assertThat(streams.reserve()).isTrue();
        assertThat(streams.reserve()).isFalse();
        streams.cancel();
        assertThat(streams.reserve()).isTrue();

        Client a = new Client(10);
        streams.open(a);
        streams.remove(a);
        streams.remove(a);
        assertThat(streams.reserve()).as("a place given back once only").isTrue();
        assertThat(streams.reserve()).isFalse();
    }

    @Test
    void everyStreamGetsEveryEventAndASlowOneIsDropped() {
        EventStreams streams = new EventStreams(8);
        Client fast = new Client(100);
        Client slow = new Client(2);
        open(streams, fast, slow);
        for (int i = 0; i < 5; i++) {
            streams.broadcast(new byte[] { (byte) i });
        }
        assertThat(fast.queued).hasSize(5);
        assertThat(slow.closed).isTrue();
        assertThat(streams.size()).isEqualTo(1);
        assertThat(fast.closed).isFalse();
    }

    @Test
    void keepAliveIsACommentAndEndsStreamsWhoseSessionEnded() {
        EventStreams streams = new EventStreams(8);
        Client a = new Client(10);
        Client b = new Client(10);
        open(streams, a, b);
        b.signedIn = false;
        streams.keepAlive();
        assertThat(new String(a.queued.get(0))).startsWith(":").endsWith("\n\n");
        assertThat(b.closed).isTrue();
        assertThat(streams.size()).isEqualTo(1);

        streams.closeAll();
        assertThat(a.closed).isTrue();
        assertThat(streams.size()).isZero();
        assertThat(streams.reserve()).as("closed for good: the component stops").isFalse();
    }

    @Test
    void aStreamOpenedAfterCloseAllIsRefusedAndItsPlaceGivenBack() {
        EventStreams streams = new EventStreams(1);
        assertThat(streams.reserve()).isTrue(); // a request on its way, as the component stops
        streams.closeAll();
        Client late = new Client(10);
        assertThat(streams.open(late)).isFalse();
        assertThat(streams.size()).isZero();
        assertThat(streams.reserve()).as("no new stream once closed").isFalse();
    }

    @Test
    void streamsOfEndedSessionsAreDroppedAtOnceWithoutAFrame() {
        EventStreams streams = new EventStreams(2);
        Client mine = new Client(10);
        Client other = new Client(10);
        open(streams, mine, other);
        other.signedIn = false;
        streams.dropSignedOut();
        assertThat(other.closed).isTrue();
        assertThat(mine.closed).isFalse();
        assertThat(mine.queued).isEmpty();
        assertThat(streams.size()).isEqualTo(1);
        assertThat(streams.reserve()).as("its place given back").isTrue();
    }
}
