package io.mfpoauth.update.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Turns a feature's configuration (JSON) into properties Configuration Admin stores, with the Configurator's typing
 * rules: a key may name its type after a colon ({@code "port:Integer": 8080}, {@code "hosts:String[]": [...]},
 * {@code "ids:Collection<Long>"}); without one, a string is a String, a whole number a Long, another number a Double,
 * a boolean a Boolean, and an array of one of these an array of it. Keys starting with {@code :configurator:} are
 * instructions to a Configurator and are left out.
 */
final class ConfigValues {

    /** Properties Configuration Admin sets itself: not part of what a feature configures. */
    private static final Set<String> MANAGED = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    private ConfigValues() {
    }

    /** A PID, or {@code factoryPid~name}: no blanks or control characters, each part not empty. */
    static String checkPid(String pid) {
        if (pid.isEmpty() || pid.length() > 256 || pid.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("\"" + pid + "\" is not a configuration PID");
        }
        int tilde = pid.indexOf('~');
        if (tilde == 0 || tilde == pid.length() - 1) {
            throw new IllegalArgumentException("\"" + pid + "\" is not a factory configuration (factoryPid~name)");
        }
        return pid;
    }

    /** The factory PID of {@code factoryPid~name}, or null for a plain PID. */
    static String factoryPid(String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? null : pid.substring(0, tilde);
    }

    /** The name of {@code factoryPid~name}, or null for a plain PID. */
    static String factoryName(String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? null : pid.substring(tilde + 1);
    }

    static Map<String, Object> properties(String pid, JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("the configuration " + pid + " must be an object of properties");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (key.startsWith(":configurator:")) {
                continue;
            }
            int colon = key.indexOf(':');
            String name = colon < 0 ? key : key.substring(0, colon);
            String type = colon < 0 ? null : key.substring(colon + 1).strip();
            if (name.isEmpty() || MANAGED.contains(name)) {
                throw new IllegalArgumentException("the configuration " + pid + " has a property named \"" + key
                        + "\", which a feature cannot set");
            }
            try {
                Object value = type == null ? untyped(field.getValue()) : typed(type, field.getValue());
                if (properties.put(name, value) != null) {
                    throw new IllegalArgumentException("it is given twice");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property \"" + key + "\" of the configuration " + pid + ": "
                        + e.getMessage());
            }
        }
        return properties;
    }

    private static Object untyped(JsonNode value) {
        if (value.isArray()) {
            if (value.isEmpty()) {
                return new String[0];
            }
            Object first = scalar(value.get(0));
            Class<?> element = first.getClass();
            Object array = Array.newInstance(element, value.size());
            for (int i = 0; i < value.size(); i++) {
                Object item = scalar(value.get(i));
                if (item.getClass() != element) {
                    throw new IllegalArgumentException("an array must hold values of one type; name the type"
                            + " (e.g. \"key:String[]\")");
                }
                Array.set(array, i, item);
            }
            return array;
        }
        return scalar(value);
    }

    private static Object scalar(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw new IllegalArgumentException(value + " is too large");
            }
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw new IllegalArgumentException(value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + " values need a type (e.g. \"key:String\")");
    }

    private static Object typed(String type, JsonNode value) {
        if (type.endsWith("[]")) {
            String element = type.substring(0, type.length() - 2);
            List<JsonNode> items = items(value);
            Class<?> elementClass = classOf(element);
            Object array = Array.newInstance(elementClass, items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, convert(element, items.get(i)));
            }
            return array;
        }
        if (type.equals("Collection") || type.startsWith("Collection<") && type.endsWith(">")) {
            String element = type.equals("Collection") ? null : type.substring("Collection<".length(), type.length() - 1);
            List<Object> list = new ArrayList<>();
            for (JsonNode item : items(value)) {
                list.add(element == null ? scalar(item) : convert(element, item));
            }
            return list;
        }
        return convert(type, value);
    }

    private static List<JsonNode> items(JsonNode value) {
        List<JsonNode> items = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(items::add);
        } else {
            items.add(value);
        }
        return items;
    }

    private static Class<?> classOf(String type) {
        return switch (type) {
            case "String" -> String.class;
            case "Integer" -> Integer.class;
            case "int" -> int.class;
            case "Long" -> Long.class;
            case "long" -> long.class;
            case "Float" -> Float.class;
            case "float" -> float.class;
            case "Double" -> Double.class;
            case "double" -> double.class;
            case "Byte" -> Byte.class;
            case "byte" -> byte.class;
            case "Short" -> Short.class;
            case "short" -> short.class;
            case "Character" -> Character.class;
            case "char" -> char.class;
            case "Boolean" -> Boolean.class;
            case "boolean" -> boolean.class;
            default -> throw new IllegalArgumentException("unknown type \"" + type + "\"");
        };
    }

    private static Object convert(String type, JsonNode value) {
        Class<?> target = classOf(type);
        if (value.isContainerNode() || value.isNull()) {
            throw new IllegalArgumentException("a " + type + " cannot be " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String text = value.asText();
        try {
            if (target == String.class) {
                return text;
            }
            if (target == Integer.class || target == int.class) {
                return value.isNumber() ? Math.toIntExact(value.longValue()) : Integer.valueOf(text.strip());
            }
            if (target == Long.class || target == long.class) {
                return value.isNumber() ? value.longValue() : Long.valueOf(text.strip());
            }
            if (target == Float.class || target == float.class) {
                return value.isNumber() ? value.floatValue() : Float.valueOf(text.strip());
            }
            if (target == Double.class || target == double.class) {
                return value.isNumber() ? value.doubleValue() : Double.valueOf(text.strip());
            }
            if (target == Byte.class || target == byte.class) {
                return Byte.valueOf(text.strip());
            }
            if (target == Short.class || target == short.class) {
                return Short.valueOf(text.strip());
            }
            if (target == Character.class || target == char.class) {
                if (text.length() != 1) {
                    throw new IllegalArgumentException("a Character must be one character, not \"" + text + "\"");
                }
                return text.charAt(0);
            }
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            throw new IllegalArgumentException("\"" + text + "\" is not a Boolean");
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a " + type);
        }
    }

    /** Whether a stored configuration already holds exactly these properties (Configuration Admin's own ones aside). */
    static boolean sameProperties(Dictionary<String, ?> stored, Map<String, Object> wanted) {
        if (stored == null) {
            return false;
        }
        int count = 0;
        for (Enumeration<String> keys = stored.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (MANAGED.contains(key)) {
                continue;
            }
            count++;
            if (!wanted.containsKey(key) || !sameValue(stored.get(key), wanted.get(key))) {
                return false;
            }
        }
        return count == wanted.size();
    }

    private static boolean sameValue(Object a, Object b) {
        if (a != null && b != null && a.getClass().isArray() && b.getClass().isArray()) {
            return Arrays.deepEquals(new Object[] {a}, new Object[] {b});
        }
        return Objects.equals(a, b);
    }
}
