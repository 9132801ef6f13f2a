package io.mfpoauth.admin.rest.internal;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON as the tests write and read it. */
final class TestJson {
    private TestJson() {
    }

    /** A request body. */
    static ObjectNode body(String json) throws ApiException {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer as it goes on the wire. */
    static String text(JsonNode node) {
        return new String(Json.write(node), StandardCharsets.UTF_8);
    }
}
