package io.mfpoauth.mail;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The mailbox of one POP setting, checked at the setting's interval. Registered once per POP setting with the
 * service property {@value PopSettings#ID_PROPERTY}; it goes away with its configuration and stops polling then.
 */
@ProviderType
public interface PopMailbox {

    /** The POP setting's id. */
    String id();

    /** Connects, secures and signs in with the setting, and lists the mailbox, without taking anything. */
    TestResult test();

    /**
     * Checks the mailbox now (instead of waiting for the interval), handing each new message to the receivers.
     * Waits for a check already running rather than running two at once.
     */
    PollResult poll();

    /** The result of the last check, or null before the first. */
    PollResult lastPoll();
}
