package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * How the wire records become JSON and back: times as ISO-8601 strings, numbers in payloads kept
 * exactly (a decimal is never rounded through a double), and fields a reader does not know ignored,
 * so a client keeps working against a newer server that adds some.
 */
public final class WireJson {
    /** The mapper for the wire records; thread-safe. */
    /** Nesting bound of reads and writes, envelopes included: as the server's (bosun-core's {@code Json.MAX_DEPTH}). */
    public static final int MAX_DEPTH = 1500;
    /** Longest string or key read, in characters: as the server's. */
    public static final int MAX_TEXT_CHARS = 20_000_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // A character outside the BMP (an emoji) as its four UTF-8 bytes, as text written to a String and
            // then encoded has it, not as an escaped surrogate pair: answers keep the bytes they always had.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(1000)
                    .maxStringLength(MAX_TEXT_CHARS)
                    .maxNameLength(MAX_TEXT_CHARS)
                    .build())
            .streamWriteConstraints(
                    StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Trees come from readTree below, exact; from a tree, a decimal stays a decimal and a double (-0.0) a
            // double.
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .annotationIntrospector(new NullableNotRequired())
            // A list of an answer that is null or missing (an older server's) reads as empty.
            .withConfigOverride(
                    java.util.List.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
            .build();

    private WireJson() {}

    /**
     * A required property marked {@link Nullable} is "always sent, possibly null": read leniently, as
     * missing = null, so that a client keeps reading an older server's answers that lack a newer one;
     * a required list likewise reads as empty when missing.
     */
    private static final class NullableNotRequired extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasRequiredMarker(AnnotatedMember m) {
            if (m.hasAnnotation(Nullable.class) || java.util.List.class.isAssignableFrom(m.getRawType()))
                return Boolean.FALSE;
            return super.hasRequiredMarker(m);
        }
    }

    /**
     * Parses JSON text into a tree exactly: numbers keep every digit, their scale and a negative zero's
     * sign, which {@code MAPPER.readTree} would not.
     */
    public static JsonNode readTree(String text) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new JsonParseException(p, "no JSON value");
            JsonNode n = ExactTree.value(p, t);
            if (p.nextToken() != null) throw new JsonParseException(p, "more after the JSON value");
            return n;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} (a wire record) as a JSON tree. */
    public static ObjectNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** {@code value} (a wire record) as compact JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} (a wire record or a JSON tree) as compact UTF-8 JSON. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code node} as a {@code type}; a missing required field or a wrong type is an IllegalArgumentException naming it. */
    public static <T> T read(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** As {@link #read(JsonNode, Class)} for a generic type such as {@code Page<Session>}. */
    public static <T> T read(JsonNode node, TypeReference<T> type) {
        try {
            return MAPPER.treeToValue(node, MAPPER.constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}
