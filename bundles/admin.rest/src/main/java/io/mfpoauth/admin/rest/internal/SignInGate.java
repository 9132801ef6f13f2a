package io.mfpoauth.admin.rest.internal;

import java.util.concurrent.Semaphore;

/**
 * How many password checks of the open sign-in (and the password change) may be in progress at once, for everybody
 * together. A place is taken before the body is read, so a crowd of strangers can neither fill the heap with bodies
 * nor keep every core busy with PBKDF2; one that finds no place is answered 429 at once: no thread ever waits here.
 */
final class SignInGate {
    /** Enough for the administrator and a script or two; far from what fills 32 MB or the CPU. */
    static final int MAX_IN_PROGRESS = 4;

    private final Semaphore permits;

    SignInGate(int max) {
        this.permits = new Semaphore(max);
    }

    /** {@code handler}, run only while a place is free. */
    Handler around(Handler handler) {
        return call -> {
            if (!permits.tryAcquire()) {
                throw ApiException.of(429, "too_many_attempts", "Too many sign-ins at once: try again in a second")
                        .header("Retry-After", "1");
            }
            try {
                return handler.handle(call);
            } finally {
                permits.release();
            }
        };
    }
}
