package io.mfpoauth.token;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The place one token lives. {@code smtp} is the one slot every SMTP setting shares: obtaining or deleting
 * the token from any SMTP screen updates all of them. {@code pop-<id>} is one slot per POP setting, each
 * independent of the others. The protocol a slot serves decides which scopes its token is requested with.
 */
public final class Slot implements Comparable<Slot> {

    /** The shared SMTP slot's name. */
    public static final String SMTP_NAME = "smtp";

    private static final String POP_PREFIX = "pop-";
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Slot SMTP = new Slot(SMTP_NAME, MailProtocol.SMTP);

    private final String name;
    private final MailProtocol protocol;

    private Slot(String name, MailProtocol protocol) {
        this.name = name;
        this.protocol = protocol;
    }

    /** The shared SMTP slot. */
    public static Slot smtp() {
        return SMTP;
    }

    /**
     * The slot of one POP setting.
     *
     * @param id the POP setting's id, {@code [a-z0-9-]{1,32}}
     * @throws IllegalArgumentException if the id does not match
     */
    public static Slot pop(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("A POP setting id must match [a-z0-9-]{1,32}");
        }
        return new Slot(POP_PREFIX + id, MailProtocol.POP3);
    }

    /**
     * Parses a slot name as shown in events, the REST API and file names.
     *
     * @throws IllegalArgumentException if the name is neither {@code smtp} nor {@code pop-<id>}
     */
    public static Slot parse(String name) {
        if (SMTP_NAME.equals(name)) {
            return SMTP;
        }
        if (name != null && name.startsWith(POP_PREFIX)) {
            return pop(name.substring(POP_PREFIX.length()));
        }
        throw new IllegalArgumentException("A token slot is 'smtp' or 'pop-<id>' with <id> matching [a-z0-9-]{1,32}");
    }

    /** Whether {@code name} is a well-formed slot name. */
    public static boolean isValid(String name) {
        try {
            parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The slot's name: {@code smtp} or {@code pop-<id>}. */
    public String name() {
        return name;
    }

    /** The protocol whose scopes this slot's token carries. */
    public MailProtocol protocol() {
        return protocol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slot && ((Slot) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    @Override
    public int compareTo(Slot o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
