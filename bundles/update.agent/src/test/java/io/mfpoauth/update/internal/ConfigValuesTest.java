package io.mfpoauth.update.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void untypedValuesTakeTheirJsonType() throws Exception {
        Map<String, Object> properties = ConfigValues.properties("p", json("""
                {"s": "text", "n": 42, "d": 1.5, "b": true, "list": ["a", "b"], "numbers": [1, 2],
                 ":configurator:policy": "force"}
                """));
        assertThat(properties).containsEntry("s", "text").containsEntry("n", 42L).containsEntry("d", 1.5)
                .containsEntry("b", true).doesNotContainKey(":configurator:policy");
        assertThat(properties.get("list")).isEqualTo(new String[] {"a", "b"});
        assertThat(properties.get("numbers")).isEqualTo(new Long[] {1L, 2L});
    }

    @Test
    void typedKeysConvert() throws Exception {
        Map<String, Object> properties = ConfigValues.properties("p", json("""
                {"port:Integer": 8080, "ratio:float": "0.5", "ports:int[]": [1, 2], "names:Collection<String>": ["x"],
                 "flag:Boolean": "true", "c:Character": "z"}
                """));
        assertThat(properties).containsEntry("port", 8080).containsEntry("ratio", 0.5f).containsEntry("flag", true)
                .containsEntry("c", 'z').containsEntry("names", List.of("x"));
        assertThat(properties.get("ports")).isEqualTo(new int[] {1, 2});
    }

    @Test
    void refusesWhatConfigurationAdminCannotStore() {
        assertThatThrownBy(() -> ConfigValues.properties("p", json("{\"o\": {\"x\": 1}}")))
                .hasMessageContaining("object values need a type");
        assertThatThrownBy(() -> ConfigValues.properties("p", json("{\"mixed\": [1, \"a\"]}")))
                .hasMessageContaining("values of one type");
        assertThatThrownBy(() -> ConfigValues.properties("p", json("{\"x:Integer\": \"many\"}")))
                .hasMessageContaining("is not a Integer");
        assertThatThrownBy(() -> ConfigValues.properties("p", json("{\"x:Date\": \"today\"}")))
                .hasMessageContaining("unknown type");
    }

    @Test
    void splitsFactoryPids() {
        assertThat(ConfigValues.factoryPid("a.b~one")).isEqualTo("a.b");
        assertThat(ConfigValues.factoryName("a.b~one")).isEqualTo("one");
        assertThat(ConfigValues.factoryPid("a.b")).isNull();
        assertThatThrownBy(() -> ConfigValues.checkPid("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void comparesStoredProperties() throws Exception {
        Hashtable<String, Object> stored = new Hashtable<>();
        stored.put("service.pid", "p");
        stored.put("list", new String[] {"a"});
        stored.put("n", 1L);
        assertThat(ConfigValues.sameProperties(stored, Map.of("list", new String[] {"a"}, "n", 1L))).isTrue();
        assertThat(ConfigValues.sameProperties(stored, Map.of("list", new String[] {"b"}, "n", 1L))).isFalse();
        assertThat(ConfigValues.sameProperties(stored, Map.of("n", 1L))).isFalse();
        assertThat(ConfigValues.sameProperties(null, Map.of())).isFalse();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
