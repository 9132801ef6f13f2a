package io.mfpoauth.admin.panel.internal;

/**
 * Where a command prints and what the administrator answers: the Gogo session's streams in the firmware, a script
 * of answers in the tests.
 */
interface PanelConsole {

    /** Prints one line. */
    void println(String line);

    /** Prints a prompt without ending the line. */
    void prompt(String text);

    /** One line typed by the administrator, without its line end; null when there is no console input (end of input). */
    String readLine();

    /**
     * A secret typed by the administrator, not echoed where the console allows it; null when there is no console
     * input. The caller never prints it.
     */
    String readSecret(String prompt);
}
