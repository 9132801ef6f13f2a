package io.mfpoauth.mail;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case keys of this package's enums with one message naming the allowed values. */
final class Keys {
    private Keys() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String key) {
        if (key != null) {
            for (E value : type.getEnumConstants()) {
                if (value.name().equalsIgnoreCase(key.trim())) {
                    return value;
                }
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
