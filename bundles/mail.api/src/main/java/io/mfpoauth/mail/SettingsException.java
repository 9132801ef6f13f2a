package io.mfpoauth.mail;

/** A setting was refused; {@link #field()} names the field as the REST API and configuration name it. */
public class SettingsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;

    public SettingsException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field that was refused, e.g. {@code port}. */
    public String field() {
        return field;
    }

    /** The reason, without the field name in front. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
