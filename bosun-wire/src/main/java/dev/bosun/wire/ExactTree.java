package dev.bosun.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads an answer's JSON into a tree without changing a number: every digit and the scale of a
 * decimal, and the sign of a negative zero, which Jackson's own tree reader drops. The server reads
 * bodies with the same rules (bosun-core's {@code ExactReader}, which also refuses what it cannot keep);
 * here the text comes from the server, so nothing is refused, only kept.
 */
final class ExactTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ExactTree() {}

    /** The value at the parser's next token, with everything inside it. */
    static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) a.add(value(p, e));
                yield a;
            }
            case VALUE_NUMBER_INT ->
                switch (p.getNumberType()) {
                    case INT -> negativeZero(p) ? DoubleNode.valueOf(-0.0) : NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT -> {
                BigDecimal d = p.getDecimalValue();
                yield d.signum() == 0 && negativeZero(p) ? DoubleNode.valueOf(-0.0) : NODES.numberNode(d);
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + t);
        };
    }

    private static boolean negativeZero(JsonParser p) throws IOException {
        return p.getText().startsWith("-") && p.getDecimalValue().signum() == 0;
    }
}
