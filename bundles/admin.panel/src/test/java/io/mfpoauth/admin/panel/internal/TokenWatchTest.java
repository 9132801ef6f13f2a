package io.mfpoauth.admin.panel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import io.mfpoauth.admin.panel.internal.Fakes.Handlers;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenState;
import io.mfpoauth.token.TokenStatus;

class TokenWatchTest {

    private final Handlers handlers = new Handlers();

    @Test
    void bringsNewerChangesOfItsSlotOnlyAndUnregistersOnClose() throws Exception {
        try (TokenWatch watch = TokenWatch.open(Slot.pop("ifax"), handlers)) {
            watch.seen(revision(Fakes.status("pop-ifax", TokenState.AWAITING_AUTHORIZATION, "microsoft", "a@b"), 5));
            handlers.post(revision(Fakes.status("pop-ifax", TokenState.AWAITING_AUTHORIZATION, "microsoft", "a@b"), 4));
            handlers.post(revision(Fakes.status("smtp", TokenState.RETRIEVED, "microsoft", "a@b"), 9));
            handlers.post(revision(Fakes.status("pop-ifax", TokenState.RETRIEVED, "microsoft", "a@b"), 6));

            TokenStatus next = watch.next(1000);
            assertThat(next.slot).isEqualTo("pop-ifax");
            assertThat(next.revision).isEqualTo(6);
            assertThat(TokenWatch.finished(next)).isTrue();
            assertThat(watch.next(10)).as("nothing else came").isNull();
        }
        assertThat(handlers.registered).isEmpty();
    }

    @Test
    void anEventWithoutItsStatusIsRebuiltFromItsProperties() throws Exception {
        try (TokenWatch watch = TokenWatch.open(Slot.smtp(), handlers)) {
            watch.seen(revision(Fakes.status("smtp", TokenState.AWAITING_AUTHORIZATION, "microsoft", "a@b"), 3));
            watch.handleEvent(new Event(TokenEvents.TOPIC, Map.of(TokenEvents.SLOT, "smtp",
                    TokenEvents.STATE, "INVALID", TokenEvents.PROVIDER, "microsoft", TokenEvents.ERROR_CODE, "invalid_grant")));

            TokenStatus next = watch.next(1000);
            assertThat(next.state).isEqualTo(TokenState.INVALID);
            assertThat(next.error.code).isEqualTo("invalid_grant");
        }
    }

    private static TokenStatus revision(TokenStatus status, long revision) {
        status.revision = revision;
        return status;
    }
}
