package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON in and out. Answers are built field by field as trees (never by serializing a DTO whole), so an answer holds
 * exactly the fields the contract names and never one that carries a secret; a null value is left out. Bodies are
 * read as trees and their fields taken one by one, so a bad value is refused naming its field.
 */
final class Json {
    /** Strict reading: duplicate keys and trailing content are errors; deep nesting is refused early. */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** An array of strings (an empty array for null). */
    static ArrayNode strings(Collection<String> values) {
        ArrayNode array = array();
        if (values != null) {
            values.forEach(array::add);
        }
        return array;
    }

    /** Sets {@code name} unless {@code value} is null (absent fields are omitted). */
    static void put(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    /** Sets a time in milliseconds since the epoch, omitted when 0 (never). */
    static void putTime(ObjectNode node, String name, long millis) {
        if (millis > 0) {
            node.put(name, millis);
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes.
            throw new IllegalStateException(e);
        }
    }

    /** Parses a body that must be one JSON object. */
    static ObjectNode parseObject(byte[] body) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest(null, "The body must be a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw notValid(e);
        } catch (IOException e) {
            throw ApiException.badRequest(null, "The body cannot be read");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * 400 for a body that does not parse, saying where but not what: Jackson's own message quotes the text it
     * choked on, which may be the password just typed ({@code Unrecognized token 'hunter2'}).
     */
    static ApiException notValid(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1) {
            return ApiException.badRequest(null, "The body is not valid JSON");
        }
        return ApiException.badRequest(null, "The body is not valid JSON at line " + at.getLineNr() + ", column "
                + at.getColumnNr());
    }

    /** A string field: null when absent or null; 400 naming it when it is not a string. */
    static String text(JsonNode body, String field) throws ApiException {
        return text(body, field, field);
    }

    /** A string field whose name in an error is {@code path} (e.g. {@code attachments[0].name}). */
    static String text(JsonNode body, String field, String path) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(path, "must be a string");
        }
        return value.asText();
    }

    /** A whole-number field, or {@code fallback} when absent; 400 naming it when it is not a whole number. */
    static int integer(JsonNode body, String field, int fallback) throws ApiException {
        return scalar(body, field, fallback, v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::intValue,
                "must be a whole number");
    }

    /** A true/false field, or {@code fallback} when absent. */
    static boolean bool(JsonNode body, String field, boolean fallback) throws ApiException {
        return scalar(body, field, fallback, JsonNode::isBoolean, JsonNode::booleanValue, "must be true or false");
    }

    private static <T> T scalar(JsonNode body, String field, T fallback, Predicate<JsonNode> fits,
            Function<JsonNode, T> read, String refusal) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null) {
            return fallback;
        }
        if (!fits.test(value)) {
            throw ApiException.badRequest(field, refusal);
        }
        return read.apply(value);
    }

    /** A list of strings: null when absent or null; 400 naming it when it is anything else. */
    static List<String> strings(JsonNode body, String field) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiException.badRequest(field, "must be a list of strings");
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw ApiException.badRequest(field + "[" + i + "]", "must be a string");
            }
            list.add(value.get(i).asText());
        }
        return list;
    }

    /** A field holding one of an enum's lower-case keys: {@code fallback} when absent; 400 naming it otherwise. */
    static <E> E key(JsonNode body, String field, Function<String, E> parse, E fallback) throws ApiException {
        if (!body.has(field)) {
            return fallback;
        }
        String value = text(body, field);
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, e.getMessage());
        }
    }
}
