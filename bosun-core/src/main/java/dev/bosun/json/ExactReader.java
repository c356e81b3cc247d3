package dev.bosun.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;

/**
 * Builds a tree from JSON text without changing a value: numbers keep every digit and their scale
 * ({@code 1e400}, {@code 0.1000000000000000055511151231257827} and {@code 1.10} read back as
 * written, in value), a negative zero keeps its sign, and what cannot be kept exactly is refused
 * rather than altered: a key given twice ({@link JsonRules#DUPLICATE_KEY}), a lone surrogate
 * ({@link JsonRules#VALID_UNICODE}). Iterative, so depth costs no stack; the parser's constraints
 * bound depth and number length ({@link Json#MAX_DEPTH}, {@link Json#MAX_NUMBER_CHARS}).
 */
final class ExactReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ExactReader() {}

    /** Reads one JSON value, and nothing after it, from {@code p}, closing it. */
    static JsonNode read(JsonParser p) throws JsonProcessingException {
        try (p) {
            return readValue(p);
        } catch (JsonRefusal r) {
            throw r;
        } catch (StreamConstraintsException e) {
            throw constraint(p, e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            // Jackson 2.23 refuses a broken surrogate pair in a field name itself (values still reach
            // our own check): the same fault, so the same rule, whichever of the two finds it.
            String rule = String.valueOf(e.getOriginalMessage()).contains("surrogate")
                    ? JsonRules.VALID_UNICODE
                    : JsonRules.INVALID_JSON;
            throw new JsonRefusal(
                    rule,
                    pointer(p),
                    "is not valid JSON"
                            + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
                            + ": " + e.getOriginalMessage(),
                    -1);
        } catch (IOException e) {
            throw new JsonRefusal(JsonRules.INVALID_JSON, "", "could not be read", -1);
        }
    }

    private static JsonNode readValue(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null)
            throw new JsonRefusal(JsonRules.INVALID_JSON, "", "is not valid JSON: there is no value (empty input)", -1);
        JsonNode root = null;
        var open = new ArrayDeque<ContainerNode<?>>();
        String name = null;
        read:
        for (; t != null; t = p.nextToken()) {
            JsonNode v;
            switch (t) {
                case FIELD_NAME -> {
                    name = p.currentName();
                    text(p, name, "key");
                    if (((ObjectNode) open.peek()).has(name)) {
                        throw new JsonRefusal(
                                JsonRules.DUPLICATE_KEY,
                                pointer(p),
                                "has the key \"" + Json.cut(name) + "\" twice in one object; keys must be unique",
                                -1);
                    }
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    open.pop();
                    if (open.isEmpty()) break read;
                    continue;
                }
                case START_OBJECT -> v = NODES.objectNode();
                case START_ARRAY -> v = NODES.arrayNode();
                case VALUE_STRING -> v = TextNode.valueOf(text(p, p.getText(), "string"));
                case VALUE_NUMBER_INT -> v = integer(p);
                case VALUE_NUMBER_FLOAT -> v = decimal(p);
                case VALUE_TRUE -> v = BooleanNode.TRUE;
                case VALUE_FALSE -> v = BooleanNode.FALSE;
                case VALUE_NULL -> v = NullNode.getInstance();
                default ->
                    throw new JsonRefusal(JsonRules.INVALID_JSON, pointer(p), "is not valid JSON: unexpected " + t, -1);
            }
            ContainerNode<?> parent = open.peek();
            if (parent == null) root = v;
            else if (parent instanceof ObjectNode o) o.set(name, v);
            else ((ArrayNode) parent).add(v);
            if (v instanceof ContainerNode<?> c) open.push(c);
            else if (parent == null) break;
        }
        if (p.nextToken() != null) {
            throw new JsonRefusal(
                    JsonRules.INVALID_JSON,
                    "",
                    "is not valid JSON: there is more after the value (line "
                            + p.currentLocation().getLineNr() + ", column "
                            + p.currentLocation().getColumnNr() + ")",
                    -1);
        }
        return root;
    }

    private static JsonNode integer(JsonParser p) throws IOException {
        return switch (p.getNumberType()) {
            // "-0": the sign is all it says beyond 0, and only a double can keep it.
            case INT ->
                p.getIntValue() == 0 && p.getText().startsWith("-")
                        ? DoubleNode.valueOf(-0.0)
                        : NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
        };
    }

    private static JsonNode decimal(JsonParser p) throws IOException {
        BigDecimal d = p.getDecimalValue();
        // BigDecimal has no negative zero; the double does, and writes it back as -0.0.
        if (d.signum() == 0 && p.getText().startsWith("-")) return DoubleNode.valueOf(-0.0);
        return DecimalNode.valueOf(d);
    }

    private static String text(JsonParser p, String s, String what) throws JsonRefusal {
        int at = Json.loneSurrogate(s);
        if (at >= 0) {
            throw new JsonRefusal(
                    JsonRules.VALID_UNICODE,
                    pointer(p),
                    "has a " + what + " holding a lone UTF-16 surrogate (U+" + String.format("%04X", (int) s.charAt(at))
                            + " at index " + at + "), which is not Unicode text",
                    -1);
        }
        return s;
    }

    private static JsonRefusal constraint(JsonParser p, StreamConstraintsException e) {
        String m = e.getOriginalMessage();
        String where = pointer(p);
        if (m.contains("getMaxNestingDepth")) {
            return new JsonRefusal(
                    JsonRules.MAX_DEPTH, where, "is nested deeper than " + Json.MAX_DEPTH + " levels", Json.MAX_DEPTH);
        }
        if (m.contains("getMaxNumberLength")) {
            return new JsonRefusal(
                    JsonRules.MAX_NUMBER_LENGTH,
                    where,
                    "has a number written with more than " + Json.MAX_NUMBER_CHARS + " characters",
                    Json.MAX_NUMBER_CHARS);
        }
        if (m.contains("getMaxStringLength") || m.contains("getMaxNameLength")) {
            return new JsonRefusal(
                    JsonRules.MAX_STRING_BYTES,
                    where,
                    "has a string or key longer than " + Json.MAX_TEXT_CHARS + " characters",
                    Json.MAX_TEXT_CHARS);
        }
        return new JsonRefusal(JsonRules.INVALID_JSON, where, "is not accepted: " + m, -1);
    }

    private static String pointer(JsonParser p) {
        try {
            return p.getParsingContext().pathAsPointer().toString();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
