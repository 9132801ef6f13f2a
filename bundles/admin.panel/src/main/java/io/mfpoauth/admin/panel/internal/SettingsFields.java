package io.mfpoauth.admin.panel.internal;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;

/**
 * The fields of the SMTP and POP settings as the console names them: exactly the DTO's field names (the names of the
 * configuration and the REST API), in the order the panel's screen shows them. Reads and writes the DTO's public
 * fields, so both settings share one parser and one display.
 */
final class SettingsFields {

    static final String PASSWORD = "password";

    /** The SMTP screen's fields, in the manual's order. */
    static final SettingsFields SMTP = new SettingsFields("SMTP", SmtpSettings.class, List.of("server", "port",
            "timeoutSeconds", "senderName", "senderAddress", "security", "authMethod", "username", PASSWORD, "provider",
            "account", "oauthMechanism"));

    /** A POP setting's fields; {@code id} is its name and is not changed through a field. */
    static final SettingsFields POP = new SettingsFields("POP", PopSettings.class, List.of("id", "server", "port",
            "checkIntervalMinutes", "timeoutSeconds", "security", "authMethod", "username", PASSWORD, "provider",
            "account", "oauthMechanism", "deleteAfterRetrieval", "enabled"));

    private final String what;
    private final Class<?> type;
    private final List<String> names;

    private SettingsFields(String what, Class<?> type, List<String> names) {
        this.what = what;
        this.type = type;
        this.names = names;
    }

    List<String> names() {
        return names;
    }

    /** The changeable names, for messages. */
    String changeable() {
        return names.stream().filter(n -> !n.equals("id")).collect(Collectors.joining(", "));
    }

    /** The field as shown: enums by their lower-case key, a password only as stored / not set, empty as "-". */
    String show(Object settings, String name) {
        if (name.equals(PASSWORD)) {
            return read(settings, "passwordSet").equals(Boolean.TRUE) ? "stored" : "not set";
        }
        Object value = read(settings, name);
        if (value == null || value.toString().isEmpty()) {
            return "-";
        }
        return value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value.toString();
    }

    /**
     * Applies {@code key=value} changes to {@code settings}, each key one of {@link #names()} (any case). An empty
     * value clears a text field. Checks only the form of each value; {@code MailSettings} checks the rest.
     *
     * @throws SettingsException naming the first key that is unknown or whose value has the wrong form
     */
    void apply(Object settings, Map<String, String> changes) throws SettingsException {
        for (Map.Entry<String, String> change : changes.entrySet()) {
            String name = canonical(change.getKey());
            Field field = field(name);
            try {
                field.set(settings, parse(name, field.getType(), change.getValue()));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String canonical(String key) throws SettingsException {
        for (String name : names) {
            if (name.equalsIgnoreCase(key)) {
                if (name.equals("id")) {
                    throw new SettingsException("id", "is the POP setting's name and cannot be changed: create a "
                            + "setting with the new id and delete this one");
                }
                return name;
            }
        }
        throw new SettingsException(key, "there is no such " + what + " setting; the settings are " + changeable());
    }

    private static Object parse(String name, Class<?> type, String value) throws SettingsException {
        String text = value.trim();
        if (type == String.class) {
            return text.isEmpty() ? null : text;
        }
        if (type == int.class) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new SettingsException(name, "must be a whole number, not \"" + value + "\"");
            }
        }
        if (type == boolean.class) {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new SettingsException(name, "must be true or false");
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            throw new SettingsException(name, "must be one of " + Stream.of(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
        throw new IllegalStateException("No parser for " + type);
    }

    private Object read(Object settings, String name) {
        try {
            return field(name).get(settings);
        } catch (IllegalAccessException | SettingsException e) {
            throw new IllegalStateException(e);
        }
    }

    private Field field(String name) throws SettingsException {
        try {
            return type.getField(name);
        } catch (NoSuchFieldException e) {
            throw new SettingsException(name, "is not a " + what + " setting");
        }
    }

    /** {@code key=value} arguments in their order; a repeated key keeps its last value. */
    static Map<String, String> pairs(List<String> arguments) throws SettingsException {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new SettingsException(argument, "write each change as key=value, e.g. port=587");
            }
            pairs.put(argument.substring(0, eq), argument.substring(eq + 1));
        }
        return pairs;
    }
}
