package dev.bosun.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.WireJson;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what came back from a failed call into a {@link BosunClientException}: the server's own code, message and details when it sent the error
 * envelope, and a plain statement of the HTTP status when something else (a proxy, a crash page)
 * answered.
 */
final class ErrorResponses {
    private ErrorResponses() {}

    /** The exception for a non-2xx answer. {@code retryAfter} is the parsed header, if any. */
    static BosunClientException fromResponse(int status, byte[] body, Optional<Duration> retryAfter) {
        Map<String, Object> extra = new LinkedHashMap<>();
        retryAfter.ifPresent(d -> extra.put("retry_after_seconds", d.toSeconds()));
        Optional<BosunClientException> envelope = envelope(body, extra);
        if (envelope.isPresent()) return envelope.get();
        extra.put("http_status", status);
        return new BosunClientException(
                codeForStatus(status), "server answered " + status + " without an error body", extra);
    }

    /**
     * The code for a status that came without an envelope. Only "come back later" statuses are
     * UNAVAILABLE; anything else unexpected is INTERNAL, since the client cannot tell whose fault it is.
     */
    static ErrorCode codeForStatus(int status) {
        return switch (status) {
            case 502, 503, 504 -> ErrorCode.UNAVAILABLE;
            case 429 -> ErrorCode.LIMIT_REACHED;
            case 507 -> ErrorCode.INSUFFICIENT_STORAGE;
            default -> ErrorCode.INTERNAL;
        };
    }

    private static Optional<BosunClientException> envelope(byte[] body, Map<String, Object> extra) {
        if (body == null || body.length == 0) return Optional.empty();
        JsonNode root;
        try {
            root = WireJson.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (Exception notJson) {
            return Optional.empty();
        }
        JsonNode err = root == null ? null : root.get("error");
        if (err == null
                || !err.isObject()
                || !err.path("code").isTextual()
                || !err.path("message").isTextual()) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        JsonNode d = err.get("details");
        if (d != null && d.isObject()) {
            details.putAll(WireJson.MAPPER.convertValue(d, new TypeReference<Map<String, Object>>() {}));
        }
        String wireCode = err.get("code").asText();
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(wireCode);
        } catch (IllegalArgumentException newerServer) {
            // A code this client does not know yet: keep it visible rather than guessing a meaning.
            code = ErrorCode.INTERNAL;
            details.put("server_code", wireCode);
        }
        extra.forEach(details::putIfAbsent);
        return Optional.of(new BosunClientException(code, err.get("message").asText(), details));
    }

    /**
     * The exception for a call that got no answer. Names the URL (never the API key, which travels
     * in a header) so that a misconfigured base URL is obvious from the message alone.
     */
    static BosunClientException noResponse(String method, URI url, Exception cause, Duration timeout) {
        String why;
        if (cause instanceof HttpConnectTimeoutException) {
            why = "could not connect within " + seconds(timeout);
        } else if (cause instanceof HttpTimeoutException) {
            why = "no answer within " + seconds(timeout);
        } else if (cause instanceof java.net.ConnectException) {
            why = "connection refused";
        } else {
            String m = cause.getMessage();
            why = cause.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        }
        return new BosunClientException(
                ErrorCode.UNAVAILABLE,
                "Bosun at " + url + " is unreachable (" + method + "): " + why,
                Map.of("url", url.toString()),
                cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
