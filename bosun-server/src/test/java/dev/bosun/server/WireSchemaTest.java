package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.json.Json;
import dev.bosun.wire.WireEnum;
import dev.bosun.wire.WireFields;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * openapi.json against the wire records of bosun-wire, in both directions: every request and response
 * schema of the document is a record, with the same property names, the same required ones, the same
 * nullable ones, and the same enum values (a record component whose type is a {@link WireEnum} against
 * the schema's {@code enum}, inline or through {@code $ref}). A field added to one and not the other
 * fails here, which is how the SDK's records, the server's accepted fields and the document stay one.
 */
class WireSchemaTest {
    /** Schemas whose record has another name; all the others are the record of the same simple name. */
    private static final Map<String, Class<? extends Record>> RENAMED = Map.of(
            "SessionPage", dev.bosun.wire.Page.class,
            "WebhookDeliveryPage", dev.bosun.wire.Page.class,
            "TaskList", dev.bosun.wire.Items.class,
            "AgentList", dev.bosun.wire.Items.class,
            "WebhookList", dev.bosun.wire.Items.class,
            "Error", dev.bosun.wire.ErrorEnvelope.class);

    static JsonNode doc;
    static JsonNode schemas;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = WireSchemaTest.class.getResourceAsStream("/openapi.json")) {
            doc = Json.MAPPER.readTree(in);
        }
        schemas = doc.at("/components/schemas");
    }

    @Test
    void everyRequestAndResponseSchemaIsAWireRecordWithTheSameProperties() {
        Set<String> named = bodySchemas();
        assertThat(named)
                .as("the document's request and response schemas")
                .hasSizeGreaterThan(30)
                .contains("CreateSession", "Session", "Error", "WebhookCreated");
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String name : named) compare(name, schemas.get(name), record(name), seen, problems);
        assertThat(problems).as("openapi.json against bosun-wire").isEmpty();
    }

    @Test
    void theCheckCatchesADifference() {
        // A schema with one property more, one less and a different required set is reported, not passed.
        var schema = (com.fasterxml.jackson.databind.node.ObjectNode)
                schemas.get("EndSession").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema.get("properties"))
                .putObject("sandbox")
                .put("type", "object");
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema.get("properties")).remove("error");
        List<String> problems = new ArrayList<>();
        compare("EndSession", schema, dev.bosun.wire.EndSession.class, new TreeSet<>(), problems);
        assertThat(problems).hasSize(1).first().asString().contains("sandbox").contains("error");
    }

    /** Every schema a request body or a 2xx/4xx answer names, directly or as the items of an array. */
    private static Set<String> bodySchemas() {
        Set<String> out = new TreeSet<>();
        for (JsonNode path : doc.get("paths")) {
            for (JsonNode op : path) {
                if (!op.isObject()) continue;
                collect(op.at("/requestBody/content/application~1json/schema"), out);
                for (JsonNode r : op.path("responses")) collect(r.at("/content/application~1json/schema"), out);
            }
        }
        for (JsonNode r : doc.at("/components/responses")) collect(r.at("/content/application~1json/schema"), out);
        return out;
    }

    private static void collect(JsonNode schema, Set<String> out) {
        if (schema.isMissingNode()) return;
        if (schema.has("$ref")) out.add(refName(schema));
        if (schema.has("items")) collect(schema.get("items"), out);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Record> record(String schema) {
        if (RENAMED.containsKey(schema)) return RENAMED.get(schema);
        try {
            return (Class<? extends Record>) Class.forName("dev.bosun.wire." + schema);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static void compare(
            String name, JsonNode schema, Class<? extends Record> type, Set<String> seen, List<String> problems) {
        if (type == null) {
            problems.add(name + ": no wire record dev.bosun.wire." + name);
            return;
        }
        if (!seen.add(name + "=" + type.getName())) return;
        Map<String, WireFields.Field> fields = new java.util.LinkedHashMap<>();
        for (WireFields.Field f : WireFields.of(type)) fields.put(f.name(), f);
        Set<String> props = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(props::add);
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Set<String> recordRequired = new TreeSet<>();
        fields.values().stream().filter(WireFields.Field::required).forEach(f -> recordRequired.add(f.name()));

        Set<String> onlyDoc = new TreeSet<>(props);
        onlyDoc.removeAll(fields.keySet());
        Set<String> onlyRecord = new TreeSet<>(fields.keySet());
        onlyRecord.removeAll(props);
        if (!onlyDoc.isEmpty() || !onlyRecord.isEmpty()) {
            problems.add(name + " (" + type.getSimpleName() + "): only in openapi.json " + onlyDoc
                    + ", only in the record " + onlyRecord);
        }
        if (!required.equals(recordRequired)) {
            problems.add(name + " (" + type.getSimpleName() + "): required " + required + " in openapi.json, "
                    + recordRequired + " in the record");
        }
        for (String p : props) {
            WireFields.Field f = fields.get(p);
            if (f == null) continue;
            JsonNode ps = schema.get("properties").get(p);
            String where = name + "." + p;
            boolean nullable = nullable(ps);
            boolean marked = f.component().isAnnotationPresent(dev.bosun.wire.Nullable.class);
            if (nullable != marked)
                problems.add(
                        where + ": nullable " + nullable + " in openapi.json, @Nullable " + marked + " in the record");
            checkValue(where, resolve(ps), f.component().getGenericType(), seen, problems);
        }
    }

    /** The schema a property names, through {@code $ref} or the non-null branch of an {@code anyOf}. */
    private static JsonNode resolve(JsonNode ps) {
        if (ps.has("$ref")) return resolve(schemas.get(refName(ps)));
        if (ps.has("anyOf")) {
            for (JsonNode a : ps.get("anyOf")) if (!"null".equals(a.path("type").asText())) return resolve(a);
        }
        return ps;
    }

    private static void checkValue(String where, JsonNode ps, Type javaType, Set<String> seen, List<String> problems) {
        Class<?> raw = javaType instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) javaType;
        Set<String> docEnum = new TreeSet<>();
        ps.path("enum").forEach(v -> {
            if (!v.isNull()) docEnum.add(v.asText());
        });
        if (WireEnum.class.isAssignableFrom(raw)) {
            Set<String> wire = new TreeSet<>();
            Arrays.stream(raw.getEnumConstants()).forEach(c -> wire.add(((WireEnum) c).wire()));
            if (!wire.equals(docEnum))
                problems.add(where + ": enum " + docEnum + " in openapi.json, " + wire + " in " + raw.getSimpleName());
        } else if (!docEnum.isEmpty()) {
            problems.add(
                    where + ": openapi.json has the enum " + docEnum + " but the record has a " + raw.getSimpleName());
        } else if (List.class.isAssignableFrom(raw)
                && ps.has("items")
                && javaType instanceof ParameterizedType p
                && !(p.getActualTypeArguments()[0] instanceof java.lang.reflect.TypeVariable<?>)) {
            checkValue(where + "[]", resolve(ps.get("items")), p.getActualTypeArguments()[0], seen, problems);
        } else if (raw.isRecord() && ps.has("properties")) {
            @SuppressWarnings("unchecked")
            Class<? extends Record> nested = (Class<? extends Record>) raw;
            compare(where, ps, nested, seen, problems);
        } else if (raw.isRecord()) {
            problems.add(where + ": the record " + raw.getSimpleName() + " against a schema without properties");
        }
    }

    private static boolean nullable(JsonNode ps) {
        JsonNode t = ps.get("type");
        if (t != null && t.isArray()) for (JsonNode x : t) if ("null".equals(x.asText())) return true;
        for (JsonNode a : ps.path("anyOf")) if ("null".equals(a.path("type").asText())) return true;
        for (JsonNode v : ps.path("enum")) if (v.isNull()) return true;
        return false;
    }

    private static String refName(JsonNode ref) {
        String r = ref.get("$ref").asText();
        return r.substring(r.lastIndexOf('/') + 1);
    }
}
