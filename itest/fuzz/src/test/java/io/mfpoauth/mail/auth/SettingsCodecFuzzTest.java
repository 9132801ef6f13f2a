package io.mfpoauth.mail.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.fuzz.Script;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;

/**
 * A configuration as ConfigAdmin hands it over (from the settings service, or a .cfg an integrator wrote by
 * hand), read and checked by {@link SettingsCodec}.
 *
 * <p>Contract: settings, or a {@link SettingsException} naming a field; settings that pass the check come back
 * the same through {@link SettingsCodec#properties} (what the settings service stores).
 *
 * <p>Input: {@code key=value} lines, as in a .cfg file; a value written {@code i:<n>} or {@code b:<bool>} is
 * given as an Integer or Boolean, as a typed .config gives it.
 */
class SettingsCodecFuzzTest {

    @FuzzTest
    void settings(byte[] input) {
        Script script = new Script(input);
        Map<String, Object> props = new HashMap<>();
        for (String line = script.line(); !line.isEmpty() || script.rest().length > 0; line = script.line()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), typed(line.substring(eq + 1)));
            }
        }
        try {
            SmtpSettings smtp = SettingsCodec.smtp(props);
            SettingsCodec.check(smtp);
            SmtpSettings again = SettingsCodec.smtp(SettingsCodec.properties(smtp));
            SettingsCodec.check(again);
            assertEquals(SettingsCodec.properties(smtp), SettingsCodec.properties(again));
        } catch (SettingsException e) {
            assertNotNull(e.field());
            assertNotNull(e.reason());
        }
        try {
            PopSettings pop = SettingsCodec.pop(props);
            SettingsCodec.check(pop);
            PopSettings again = SettingsCodec.pop(SettingsCodec.properties(pop));
            SettingsCodec.check(again);
            assertEquals(SettingsCodec.properties(pop), SettingsCodec.properties(again));
        } catch (SettingsException e) {
            assertNotNull(e.field());
            assertNotNull(e.reason());
        }
    }

    private static Object typed(String value) {
        if (value.startsWith("i:")) {
            try {
                return Integer.valueOf(value.substring(2).trim());
            } catch (NumberFormatException e) {
                return value;
            }
        }
        if (value.startsWith("b:")) {
            return Boolean.valueOf(value.substring(2).trim());
        }
        return value;
    }
}
