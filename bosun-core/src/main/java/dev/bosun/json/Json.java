package dev.bosun.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one shared Jackson mapper and the few JSON helpers Bosun needs everywhere.
 *
 * <p>Reading is exact ({@link #parse}): what a client sent is what every read path gives back, or
 * it is refused with a {@link JsonRefusal} naming the rule. The mapper's nesting bound
 * ({@link #MAX_DEPTH}) is far above the deepest value an operator may allow
 * ({@code max_json_depth} ≤ 512) plus the envelopes of the answers that embed it, and above what
 * earlier versions stored, so the read side never fails on a value the write side accepted.
 */
public final class Json {
    /** Nesting bound of every read and write, envelopes included. */
    public static final int MAX_DEPTH = 1500;
    /** Longest number text read (Jackson's own default), also checked on values built in code. */
    public static final int MAX_NUMBER_CHARS = 1000;
    /** Longest string or key read, in characters: above any {@code max_json_string_bytes}. */
    public static final int MAX_TEXT_CHARS = 20_000_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(MAX_TEXT_CHARS)
                    .maxNameLength(MAX_TEXT_CHARS)
                    .build())
            .streamWriteConstraints(
                    StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // For readTree outside parse(): numbers as exact as parse() keeps them.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private Json() {}

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** An array of {@code items} as they are (no round trip through a token buffer, which would re-read numbers). */
    public static ArrayNode array(List<? extends JsonNode> items) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(items.size());
        a.addAll(items);
        return a;
    }

    /** Compact JSON text of a node. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses JSON text exactly (see {@link ExactReader}); throws a {@link JsonRefusal} naming the rule
     * for invalid text, a duplicate key, a lone surrogate, or nesting past {@link #MAX_DEPTH}.
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try {
            return ExactReader.read(FACTORY.createParser(text));
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #parse(String)} of UTF-8 bytes; bytes that are not UTF-8 are {@code invalid_json}. */
    public static JsonNode parse(byte[] utf8) throws JsonProcessingException {
        try {
            JsonParser p = FACTORY.createParser(utf8);
            return ExactReader.read(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text that Bosun itself wrote (stored payloads); invalid text is a bug. */
    public static JsonNode parseTrusted(String text) {
        try {
            return parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is corrupt", e);
        }
    }

    /** Index of the first lone UTF-16 surrogate in {@code s}, or -1: text that has a UTF-8 form has none. */
    public static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else return i;
        }
        return -1;
    }

    /** {@code s} cut for a message: at most 64 characters, never half a surrogate pair. */
    static String cut(String s) {
        if (s.length() <= 64) return s;
        int end = Character.isHighSurrogate(s.charAt(63)) ? 63 : 64;
        return s.substring(0, end) + "…";
    }
}
