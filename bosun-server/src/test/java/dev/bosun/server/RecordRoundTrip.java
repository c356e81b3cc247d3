package dev.bosun.server;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.bosun.wire.WireJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a real answer into the bosun-wire record its OpenAPI schema names, as the SDK reads it, and
 * writes the record again with the mapper the server writes with: the text must come back byte for
 * byte (so the tree too), or the record lost or changed something the server sent (D110).
 */
final class RecordRoundTrip {
    private static final TypeFactory TYPES = WireJson.MAPPER.getTypeFactory();
    /** Schemas whose record is generic or named otherwise, as in WireSchemaTest. */
    private static final Map<String, JavaType> RENAMED = Map.of(
            "SessionPage", TYPES.constructParametricType(dev.bosun.wire.Page.class, dev.bosun.wire.Session.class),
            "WebhookDeliveryPage",
                    TYPES.constructParametricType(dev.bosun.wire.Page.class, dev.bosun.wire.WebhookDelivery.class),
            "TaskList", TYPES.constructParametricType(dev.bosun.wire.Items.class, dev.bosun.wire.Task.class),
            "AgentList", TYPES.constructParametricType(dev.bosun.wire.Items.class, dev.bosun.wire.Agent.class),
            "WebhookList", TYPES.constructParametricType(dev.bosun.wire.Items.class, dev.bosun.wire.Webhook.class),
            "Error", TYPES.constructType(dev.bosun.wire.ErrorEnvelope.class));

    /** The schemas (by name; {@code [Name]} for an array of them) that answers have been round-tripped through. */
    final Set<String> tripped = new TreeSet<>();

    /**
     * How {@code text}, an answer documented with {@code schema} (a {@code $ref} or an array of one),
     * fails to come back whole through its record; empty when it does. A schema without a record
     * (the document's own {@code {"type": "object"}}) is not checked.
     */
    List<String> problems(JsonNode schema, String text, String at) {
        var out = new ArrayList<String>();
        String name;
        JavaType type;
        if (schema.has("$ref")) {
            name = refName(schema);
            type = type(name);
        } else if (schema.path("items").has("$ref")) {
            String item = refName(schema.get("items"));
            name = "[" + item + "]";
            type = TYPES.constructCollectionType(List.class, type(item));
        } else {
            return out;
        }
        try {
            JsonNode tree = WireJson.readTree(text);
            Object record = WireJson.MAPPER.treeToValue(tree, type);
            String again = WireJson.write(record);
            if (!WireJson.readTree(again).equals(tree))
                out.add(at + ": read as " + type + " and written again, the answer changed:\n  sent  " + text
                        + "\n  again " + again);
            else if (!again.equals(text))
                out.add(at + ": the same tree, other bytes:\n  sent  " + text + "\n  again " + again);
            else {
                tripped.add(name);
                // A page's or a list's items came back whole too: their record counts as tripped.
                if (type.containedTypeCount() == 1)
                    tripped.add(type.containedType(0).getRawClass().getSimpleName());
            }
        } catch (Exception e) {
            out.add(at + ": could not be read as " + type + ": " + e);
        }
        return out;
    }

    /** Every schema a JSON answer of {@code doc} is documented with, named as {@link #tripped} names them. */
    static Set<String> documented(JsonNode doc, Shapes shapes) {
        Set<String> out = new TreeSet<>();
        for (JsonNode path : doc.get("paths")) {
            for (JsonNode op : path) {
                for (JsonNode r : op.path("responses")) {
                    JsonNode schema = shapes.resolve(r).at("/content/application~1json/schema");
                    if (schema.has("$ref")) out.add(refName(schema));
                    else if (schema.path("items").has("$ref")) out.add("[" + refName(schema.get("items")) + "]");
                }
            }
        }
        return out;
    }

    private static JavaType type(String schema) {
        if (RENAMED.containsKey(schema)) return RENAMED.get(schema);
        try {
            return TYPES.constructType(Class.forName("dev.bosun.wire." + schema));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no wire record for the response schema " + schema, e);
        }
    }

    static String refName(JsonNode schema) {
        String ref = schema.get("$ref").asText();
        return ref.substring(ref.lastIndexOf('/') + 1);
    }
}
