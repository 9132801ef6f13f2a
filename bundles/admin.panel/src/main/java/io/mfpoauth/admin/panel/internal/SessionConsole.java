package io.mfpoauth.admin.panel.internal;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The Gogo session's console. While a command runs, Gogo's ThreadIO makes {@code System.in} and {@code System.out}
 * of the command's thread the session's own input and output, so this works for the shell on the firmware's console
 * and for a session a test opens with its own streams, without importing Gogo.
 */
final class SessionConsole implements PanelConsole {

    private final InputStream in;
    private final PrintStream out;

    SessionConsole(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /** The console of the session running the current command. */
    static SessionConsole current() {
        return new SessionConsole(System.in, System.out);
    }

    @Override
    public void println(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void prompt(String text) {
        out.print(text);
        out.flush();
    }

    /**
     * Reads byte by byte up to the line end: a buffered reader would take the shell's next lines with it. End of
     * input before any byte means there is no console to answer on.
     */
    @Override
    public String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * With a terminal (the firmware started on a console), the JVM's console reads without echo; otherwise (a piped
     * or remote session) the secret is one line of the session's input and the prompt says that it is shown.
     */
    @Override
    public String readSecret(String prompt) {
        Console console = System.console();
        if (console != null) {
            out.flush();
            char[] secret = console.readPassword("%s", prompt);
            return secret == null ? null : new String(secret);
        }
        prompt(prompt.stripTrailing() + " (this console shows what you type) ");
        return readLine();
    }
}
