package dev.bosun.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.WireJson;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the server's answers into the wire records of bosun-wire, the same records the server writes
 * them from. Lenient about fields it does not know (a newer server may add some), strict about the
 * ones the records require: a missing or mistyped one is an {@link ErrorCode#INTERNAL} error naming
 * the field, since the server broke the contract, not the caller.
 */
final class WireCodec {
    private WireCodec() {}

    static <T> T read(JsonNode n, Class<T> type, String what) {
        return read(n, WireJson.MAPPER.constructType(type), what);
    }

    static <T> T read(JsonNode n, TypeReference<T> type, String what) {
        return read(n, WireJson.MAPPER.constructType(type), what);
    }

    private static <T> T read(JsonNode n, JavaType type, String what) {
        try {
            return WireJson.MAPPER.treeToValue(n, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new BosunClientException(
                    ErrorCode.INTERNAL,
                    "the server sent a " + what + " whose '" + field + "' is missing or not what the API documents: "
                            + e.getOriginalMessage(),
                    Map.of("field", field),
                    e);
        } catch (JsonProcessingException e) {
            throw new BosunClientException(
                    ErrorCode.INTERNAL, "the server sent a " + what + " that is not JSON", Map.of(), e);
        }
    }
}
