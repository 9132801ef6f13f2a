package io.mfpoauth.mail.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.ServerSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;

/**
 * Converts the SMTP and POP configurations (ConfigAdmin properties) to settings and back, and checks them. The
 * property names are the settings' field names, except the password, kept as {@value #PASSWORD} (a dotted name:
 * private to the component, hidden by configuration tools). The same rules apply to a configuration written by the
 * settings service and to one an integrator dropped in the configuration folder.
 */
public final class SettingsCodec {
    /** The configuration property holding the password. */
    public static final String PASSWORD = ".password";

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]{2,45}\\]?");
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern POP_ID = Pattern.compile("[a-z0-9-]{1,32}");

    private SettingsCodec() {
    }

    /** Reads SMTP settings from configuration properties (missing ones take the defaults). */
    public static SmtpSettings smtp(Map<String, ?> props) throws SettingsException {
        SmtpSettings s = readServer(props, new SmtpSettings());
        s.senderName = text(props, "senderName");
        s.senderAddress = text(props, "senderAddress");
        return s;
    }

    /** Reads POP settings from configuration properties (missing ones take the defaults). */
    public static PopSettings pop(Map<String, ?> props) throws SettingsException {
        PopSettings s = readServer(props, new PopSettings());
        s.id = text(props, PopSettings.ID_PROPERTY);
        s.checkIntervalMinutes = integer(props, "checkIntervalMinutes", s.checkIntervalMinutes);
        s.deleteAfterRetrieval = bool(props, "deleteAfterRetrieval", s.deleteAfterRetrieval);
        s.enabled = bool(props, "enabled", s.enabled);
        return s;
    }

    /** The configuration properties of SMTP settings; the password only when it is set. */
    public static Map<String, Object> properties(SmtpSettings s) {
        Map<String, Object> p = putServer(new LinkedHashMap<>(), s);
        put(p, "senderName", s.senderName);
        put(p, "senderAddress", s.senderAddress);
        return p;
    }

    /** The configuration properties of POP settings; the password only when it is set. */
    public static Map<String, Object> properties(PopSettings s) {
        Map<String, Object> p = putServer(new LinkedHashMap<>(), s);
        put(p, PopSettings.ID_PROPERTY, s.id);
        p.put("checkIntervalMinutes", s.checkIntervalMinutes);
        p.put("deleteAfterRetrieval", s.deleteAfterRetrieval);
        p.put("enabled", s.enabled);
        return p;
    }

    /** The fields every setting has, over the defaults {@code s} was made with. */
    private static <S extends ServerSettings> S readServer(Map<String, ?> props, S s) throws SettingsException {
        s.server = text(props, "server");
        s.port = integer(props, "port", s.port);
        s.timeoutSeconds = integer(props, "timeoutSeconds", s.timeoutSeconds);
        s.security = choice(props, "security", s.security, Security::parse);
        s.authMethod = choice(props, "authMethod", s.authMethod, AuthMethod::parse);
        s.username = text(props, "username");
        s.password = text(props, PASSWORD);
        s.passwordSet = s.password != null;
        s.provider = text(props, "provider");
        s.account = text(props, "account");
        s.oauthMechanism = choice(props, "oauthMechanism", s.oauthMechanism, OAuthMechanism::parse);
        return s;
    }

    private static Map<String, Object> putServer(Map<String, Object> p, ServerSettings s) {
        put(p, "server", s.server);
        p.put("port", s.port);
        p.put("timeoutSeconds", s.timeoutSeconds);
        if (s.security != null) {
            p.put("security", s.security.key());
        }
        if (s.authMethod != null) {
            p.put("authMethod", s.authMethod.key());
        }
        put(p, "username", s.username);
        put(p, PASSWORD, s.password);
        put(p, "provider", s.provider);
        put(p, "account", s.account);
        if (s.oauthMechanism != null) {
            p.put("oauthMechanism", s.oauthMechanism.key());
        }
        return p;
    }

    /** Checks SMTP settings; the first bad field is refused. */
    public static void check(SmtpSettings s) throws SettingsException {
        host("server", s.server);
        range("port", s.port, 1, 65535);
        range("timeoutSeconds", s.timeoutSeconds, 5, 300);
        optionalLine("senderName", s.senderName, 128);
        address("senderAddress", s.senderAddress);
        required("security", s.security);
        signIn(s);
    }

    /** Checks POP settings; the first bad field is refused. */
    public static void check(PopSettings s) throws SettingsException {
        if (s.id == null || !POP_ID.matcher(s.id).matches()) {
            throw new SettingsException("id", "must be 1 to 32 of a-z, 0-9 and '-'");
        }
        host("server", s.server);
        range("port", s.port, 1, 65535);
        range("checkIntervalMinutes", s.checkIntervalMinutes, 1, 1440);
        range("timeoutSeconds", s.timeoutSeconds, 5, 300);
        required("security", s.security);
        signIn(s);
        if (s.authMethod == AuthMethod.NONE) {
            throw new SettingsException("authMethod", "POP3 always needs a sign-in: choose oauth2 or password");
        }
    }

    private static void signIn(ServerSettings s) throws SettingsException {
        required("authMethod", s.authMethod);
        required("oauthMechanism", s.oauthMechanism);
        if (s.authMethod == AuthMethod.PASSWORD) {
            line("username", s.username, 256);
            if (!s.passwordSet && s.password == null) {
                throw new SettingsException("password", "is required for user name and password sign-in");
            }
        } else if (s.authMethod == AuthMethod.OAUTH2) {
            if (s.provider == null || !PROVIDER.matcher(s.provider).matches()) {
                throw new SettingsException("provider", "choose a provider (an id of a-z, 0-9, '.', '_', '-')");
            }
            address("account", s.account);
        }
    }

    private static void host(String field, String value) throws SettingsException {
        if (value == null || value.isBlank()) {
            throw new SettingsException(field, "is required");
        }
        if (value.length() > 253) {
            throw new SettingsException(field, "is longer than 253 characters");
        }
        if (IPV4.matcher(value).matches()) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new SettingsException(field, "is not a valid IPv4 address");
                }
            }
            return;
        }
        if (value.indexOf(':') >= 0) {
            if (IPV6.matcher(value).matches()) {
                return;
            }
            throw new SettingsException(field, "is not a valid host name or IP address (no port, no scheme)");
        }
        String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new SettingsException(field, "is not a valid host name (letters, digits, '-' and '.')");
            }
        }
    }

    private static void address(String field, String value) throws SettingsException {
        if (value == null || value.isBlank()) {
            throw new SettingsException(field, "is required");
        }
        if (value.length() > 254 || !ADDRESS.matcher(value).matches() || value.contains("..")) {
            throw new SettingsException(field, "is not a valid e-mail address");
        }
    }

    private static void range(String field, int value, int min, int max) throws SettingsException {
        if (value < min || value > max) {
            throw new SettingsException(field, "must be between " + min + " and " + max);
        }
    }

    private static void required(String field, Object value) throws SettingsException {
        if (value == null) {
            throw new SettingsException(field, "is required");
        }
    }

    private static void line(String field, String value, int max) throws SettingsException {
        if (value == null || value.isBlank()) {
            throw new SettingsException(field, "is required");
        }
        optionalLine(field, value, max);
    }

    private static void optionalLine(String field, String value, int max) throws SettingsException {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            throw new SettingsException(field, "is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new SettingsException(field, "must be one line without control characters");
            }
        }
    }

    private static String text(Map<String, ?> props, String key) {
        Object value = props.get(key);
        if (value == null) {
            return null;
        }
        String s = value.toString().trim();
        return s.isEmpty() ? null : s;
    }

    private static int integer(Map<String, ?> props, String key, int fallback) throws SettingsException {
        Object value = props.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        if (value instanceof Number) {
            return ((Number) value).intValue();
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new SettingsException(key, "is not a whole number");
        }
    }

    private static boolean bool(Map<String, ?> props, String key, boolean fallback) throws SettingsException {
        Object value = props.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        String s = value.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new SettingsException(key, "must be true or false");
    }

    private interface Parser<T> {
        T parse(String key);
    }

    private static <T> T choice(Map<String, ?> props, String key, T fallback, Parser<T> parser)
            throws SettingsException {
        String value = text(props, key);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, e.getMessage());
        }
    }

    private static void put(Map<String, Object> props, String key, String value) {
        if (value != null && !value.isBlank()) {
            props.put(key, value.trim());
        }
    }
}
