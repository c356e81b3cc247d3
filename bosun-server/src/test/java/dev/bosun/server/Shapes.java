package dev.bosun.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A structural check of JSON values against the schemas of an OpenAPI document: types, enums,
 * declared and required properties, array items, {@code anyOf}, date-times. Enough to catch a wire
 * shape drifting from its description; ranges and patterns are left to the server's own tests.
 */
final class Shapes {
    private final JsonNode doc;

    Shapes(JsonNode doc) {
        this.doc = doc;
    }

    /** Follows local {@code $ref}s; a dangling one is an error, not a silent pass. */
    JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new AssertionError("non-local $ref " + ref);
            JsonNode target = doc.at(ref.substring(1));
            if (target.isMissingNode()) throw new AssertionError("dangling $ref " + ref);
            node = target;
        }
        return node;
    }

    /** Every way {@code value} departs from {@code schema}, each naming where; empty when it conforms. */
    List<String> violations(JsonNode schema, JsonNode value, String at) {
        var out = new ArrayList<String>();
        check(schema, value, at, out);
        return out;
    }

    private void check(JsonNode schema, JsonNode value, String at, List<String> out) {
        schema = resolve(schema);
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode branch : schema.get("anyOf"))
                any |= violations(branch, value, at).isEmpty();
            if (!any) out.add(at + ": " + value + " matches none of " + schema.get("anyOf"));
        }
        if (schema.has("type") && !hasType(schema.get("type"), value)) {
            out.add(at + ": " + kind(value) + " where the schema says " + schema.get("type"));
            return;
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            out.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            out.add(at + ": " + value + " is not " + schema.get("const"));
        }
        if (value.isTextual() && "date-time".equals(schema.path("format").asText())) {
            try {
                Instant.parse(value.asText());
            } catch (DateTimeParseException e) {
                out.add(at + ": '" + value.asText() + "' is not an ISO-8601 instant");
            }
        }
        if (value.isObject() && schema.has("properties")) checkObject(schema, value, at, out);
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) check(schema.get("items"), value.get(i), at + "[" + i + "]", out);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String at, List<String> out) {
        JsonNode props = schema.get("properties");
        // An object schema that lists its properties describes all of them unless it says otherwise.
        boolean open = schema.path("additionalProperties").isObject()
                || schema.path("additionalProperties").asBoolean(false);
        for (var it = value.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (props.has(f)) check(props.get(f), value.get(f), at + "." + f, out);
            else if (!open) out.add(at + ": property '" + f + "' is not declared in the schema");
        }
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) out.add(at + ": required property '" + r.asText() + "' is missing");
        }
    }

    private static boolean hasType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) if (hasType(t, value)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "null" -> value.isNull();
            default -> throw new AssertionError("unknown JSON Schema type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) if (v.equals(value)) return true;
        return false;
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase() + " " + v;
    }
}
