package dev.bosun.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import dev.bosun.json.JsonRefusal;
import dev.bosun.json.JsonRules;
import dev.bosun.util.Validation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A strictly read request body: a JSON object whose fields are all known, each read with its type
 * checked. Every failure is INVALID_ARGUMENT naming the field, so a client can fix its request.
 */
final class Body {
    private final ObjectNode node;

    private Body(ObjectNode node) {
        this.node = node;
    }

    /** Parses {@code bytes} as a JSON object with only the {@code allowed} fields. An empty body is {@code {}}. */
    static Body parse(byte[] bytes, Set<String> allowed) {
        ObjectNode node;
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            node = Json.object();
        } else {
            JsonNode parsed;
            try {
                parsed = Json.parse(bytes);
            } catch (JsonRefusal r) {
                throw refused(r);
            } catch (JsonProcessingException e) {
                throw BosunException.invalid("body", "the request body is not valid JSON: " + e.getOriginalMessage());
            }
            if (!(parsed instanceof ObjectNode o)) {
                throw BosunException.invalid("body", "the request body must be a JSON object");
            }
            node = o;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw BosunException.invalid(
                        f,
                        "unknown field '" + f + "'; allowed fields are "
                                + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return new Body(node);
    }

    /** Syntax errors are the body's; a rule broken inside a member (a duplicate key, a lone surrogate) names that member. */
    private static BosunException refused(JsonRefusal r) {
        if (r.rule().equals(JsonRules.INVALID_JSON)) {
            return new BosunException(
                    dev.bosun.error.ErrorCode.INVALID_ARGUMENT,
                    "the request body is " + r.reason(),
                    java.util.Map.of("field", "body", "rule", r.rule()));
        }
        return Validation.refused(r.topField().orElse("body"), r);
    }

    private Optional<JsonNode> present(String f) {
        JsonNode v = node.get(f);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    String requiredString(String f) {
        return string(f).orElseThrow(() -> BosunException.invalid(f, f + " is required"));
    }

    Optional<String> string(String f) {
        return present(f).map(v -> {
            if (!v.isTextual()) throw BosunException.invalid(f, f + " must be a string, not " + kind(v));
            return v.asText();
        });
    }

    Optional<Boolean> bool(String f) {
        return present(f).map(v -> {
            if (!v.isBoolean()) throw BosunException.invalid(f, f + " must be true or false, not " + kind(v));
            return v.booleanValue();
        });
    }

    Optional<Long> integer(String f) {
        return present(f).map(v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw BosunException.invalid(f, f + " must be a whole number, not " + kind(v));
            }
            return v.asLong();
        });
    }

    Optional<Integer> int32(String f) {
        return integer(f).map(v -> {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
                throw BosunException.invalid(f, f + " = " + v + " is out of range");
            return v.intValue();
        });
    }

    /** A list that must be given, though it may be empty ({@code []} is an answer; a missing field is not). */
    List<String> requiredStrings(String f) {
        if (present(f).isEmpty())
            throw BosunException.invalid(f, f + " is required (an array of strings; [] for none)");
        return strings(f);
    }

    List<String> strings(String f) {
        Optional<JsonNode> v = present(f);
        if (v.isEmpty()) return List.of();
        if (!v.get().isArray())
            throw BosunException.invalid(f, f + " must be an array of strings, not " + kind(v.get()));
        var out = new ArrayList<String>();
        for (int i = 0; i < v.get().size(); i++) {
            JsonNode e = v.get().get(i);
            if (!e.isTextual())
                throw BosunException.invalid(f + "[" + i + "]", f + "[" + i + "] must be a string, not " + kind(e));
            out.add(e.asText());
        }
        return out;
    }

    Optional<ObjectNode> object(String f) {
        return present(f).map(v -> {
            if (!(v instanceof ObjectNode o))
                throw BosunException.invalid(f, f + " must be a JSON object, not " + kind(v));
            return o;
        });
    }

    /** Any JSON value; a present {@code null} is kept as JSON null. */
    Optional<JsonNode> json(String f) {
        JsonNode v = node.get(f);
        return v == null ? Optional.empty() : Optional.of(v);
    }

    JsonNode requiredJson(String f) {
        return json(f).orElseThrow(
                        () -> BosunException.invalid(f, f + " is required (any JSON value; null is allowed)"));
    }

    JsonNode jsonOrNull(String f) {
        return json(f).orElse(NullNode.getInstance());
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
    }
}
