package dev.bosun.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The shape limits of a tenant's JSON value (payload, metadata, task data and result, an outbox
 * file): nesting depth, keys per object, UTF-8 bytes per string or key. {@link #check} also refuses
 * what JSON text cannot hold exactly (a lone surrogate, NaN or an infinity, a binary or Java-object
 * node), so a value built in code obeys the same rules as one parsed from a request.
 *
 * @param maxDepth       deepest nesting of arrays and objects; the value itself counts ({@code {}} is 1, {@code 1} is 0)
 * @param maxKeys        most keys in one object
 * @param maxStringBytes longest string or key, in UTF-8 bytes
 */
public record JsonLimits(int maxDepth, int maxKeys, int maxStringBytes) {
    /** The server's defaults ({@code max_json_depth}, {@code max_json_keys}, {@code max_json_string_bytes}). */
    public static final JsonLimits DEFAULTS = new JsonLimits(64, 10_000, 256 * 1024);
    /** Highest {@code max_json_depth} an operator may set: with the answers' envelopes it stays readable by common parsers. */
    public static final int DEPTH_CEILING = 512;

    public JsonLimits {
        if (maxDepth < 1 || maxDepth > DEPTH_CEILING)
            throw new IllegalArgumentException("maxDepth must be 1.." + DEPTH_CEILING);
        if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be positive");
        if (maxStringBytes < 1) throw new IllegalArgumentException("maxStringBytes must be positive");
    }

    /** The first rule {@code value} breaks, in document order; empty when it may be taken. Iterative: any depth is safe. */
    public Optional<JsonRefusal> check(JsonNode value) {
        var open = new ArrayDeque<Frame>();
        JsonNode node = value;
        String segment = "";
        while (true) {
            if (node != null) {
                JsonRefusal r = node.isContainerNode() ? container(node, open, segment) : scalar(node, open, segment);
                if (r != null) return Optional.of(r);
                if (node.isContainerNode()) open.push(new Frame(segment, node));
            }
            // the next child of the innermost open container, closing finished ones
            node = null;
            while (!open.isEmpty() && node == null) {
                Frame f = open.peek();
                if (f.fields != null && f.fields.hasNext()) {
                    Map.Entry<String, JsonNode> e = f.fields.next();
                    JsonRefusal r = text(e.getKey(), "key", open, escape(e.getKey()));
                    if (r != null) return Optional.of(r);
                    segment = escape(e.getKey());
                    node = e.getValue();
                } else if (f.fields == null && f.index < f.node.size()) {
                    segment = Integer.toString(f.index);
                    node = f.node.get(f.index++);
                } else {
                    open.pop();
                }
            }
            if (node == null) return Optional.empty();
        }
    }

    private JsonRefusal container(JsonNode node, ArrayDeque<Frame> open, String segment) {
        int depth = open.size() + 1;
        if (depth > maxDepth) {
            return new JsonRefusal(
                    JsonRules.MAX_DEPTH,
                    pointer(open, segment),
                    "is nested " + depth + " levels deep here, deeper than max_json_depth = " + maxDepth,
                    maxDepth);
        }
        if (node.isObject() && node.size() > maxKeys) {
            return new JsonRefusal(
                    JsonRules.MAX_KEYS,
                    pointer(open, segment),
                    "has an object with " + node.size() + " keys, more than max_json_keys = " + maxKeys,
                    maxKeys);
        }
        return null;
    }

    private JsonRefusal scalar(JsonNode node, ArrayDeque<Frame> open, String segment) {
        JsonNodeType t = node.getNodeType();
        if (t == JsonNodeType.STRING) return text(node.textValue(), "string", open, segment);
        if (t == JsonNodeType.NUMBER) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                return new JsonRefusal(
                        JsonRules.FINITE_NUMBER,
                        pointer(open, segment),
                        "holds " + node.doubleValue() + ", which JSON cannot write; numbers must be finite",
                        -1);
            }
            if ((node.isBigDecimal() || node.isBigInteger())
                    && node.numberValue().toString().length() > Json.MAX_NUMBER_CHARS) {
                return new JsonRefusal(
                        JsonRules.MAX_NUMBER_LENGTH,
                        pointer(open, segment),
                        "holds a number of more than " + Json.MAX_NUMBER_CHARS + " characters",
                        Json.MAX_NUMBER_CHARS);
            }
            return null;
        }
        if (t == JsonNodeType.BOOLEAN || t == JsonNodeType.NULL) return null;
        return new JsonRefusal(
                JsonRules.INVALID_JSON,
                pointer(open, segment),
                "holds a " + t.name().toLowerCase() + " node, which is not a JSON value",
                -1);
    }

    private JsonRefusal text(String s, String what, ArrayDeque<Frame> open, String segment) {
        int at = Json.loneSurrogate(s);
        if (at >= 0) {
            return new JsonRefusal(
                    JsonRules.VALID_UNICODE,
                    pointer(open, segment),
                    "has a " + what
                            + " holding a lone UTF-16 surrogate (U+" + String.format("%04X", (int) s.charAt(at))
                            + " at index "
                            + at + "), which is not Unicode text",
                    -1);
        }
        long bytes = utf8Length(s, maxStringBytes);
        if (bytes > maxStringBytes) {
            return new JsonRefusal(
                    JsonRules.MAX_STRING_BYTES,
                    pointer(open, segment),
                    "has a " + what + " of more than " + maxStringBytes + " bytes (max_json_string_bytes)",
                    maxStringBytes);
        }
        return null;
    }

    /** UTF-8 length of {@code s} (without lone surrogates), counting no further than just past {@code cap}. */
    static long utf8Length(String s, long cap) {
        long n = 0;
        for (int i = 0; i < s.length() && n <= cap; i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    private static String pointer(ArrayDeque<Frame> open, String segment) {
        var b = new StringBuilder();
        // the deque's head is the innermost frame; the root frame's segment is ""
        var it = open.descendingIterator();
        if (it.hasNext()) it.next();
        while (it.hasNext()) b.append('/').append(it.next().segment);
        if (!open.isEmpty()) b.append('/').append(segment);
        return b.toString();
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static final class Frame {
        final String segment;
        final JsonNode node;
        final Iterator<Map.Entry<String, JsonNode>> fields;
        int index;

        Frame(String segment, JsonNode node) {
            this.segment = segment;
            this.node = node;
            this.fields = node.isObject() ? node.fields() : null;
        }
    }
}
