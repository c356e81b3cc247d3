package dev.bosun.error;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception type Bosun throws at its API. It carries a stable {@link ErrorCode}, a message
 * meant for a person (naming the field and the rule where input is at fault), and structured
 * {@code details} for programs. Messages never contain host paths or stack traces.
 *
 * <pre>{@code
 * try {
 *     manager.send(id, "input", payload);
 * } catch (BosunException e) {
 *     if (e.code() == ErrorCode.CONFLICT) { ... the session has ended ... }
 * }
 * }</pre>
 */
public final class BosunException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public BosunException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public BosunException(ErrorCode code, String message, Map<String, ?> details) {
        this(code, message, details, null);
    }

    public BosunException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details == null ? Map.of() : withoutNulls(details));
    }

    private static Map<String, Object> withoutNulls(Map<String, ?> in) {
        var out = new LinkedHashMap<String, Object>();
        in.forEach((k, v) -> {
            if (k != null && v != null) out.put(k, v);
        });
        return out;
    }

    public ErrorCode code() {
        return code;
    }

    /** Structured facts about the error, such as {@code field}, {@code limit} or {@code session_id}. */
    public Map<String, Object> details() {
        return details;
    }

    // --- factories for the common cases, so call sites read as the rule they enforce ---

    public static BosunException invalid(String field, String message) {
        return new BosunException(ErrorCode.INVALID_ARGUMENT, message, Map.of("field", field));
    }

    public static BosunException notFound(String what, String id) {
        return new BosunException(
                ErrorCode.NOT_FOUND, what + " '" + id + "' was not found", Map.of(what.replace(' ', '_') + "_id", id));
    }

    public static BosunException conflict(String message, Map<String, ?> details) {
        return new BosunException(ErrorCode.CONFLICT, message, details);
    }

    public static BosunException tooLarge(String field, long size, long limit) {
        return new BosunException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                field + " is " + size + " bytes, over the limit of " + limit + " bytes",
                Map.of("field", field, "size_bytes", size, "limit_bytes", limit));
    }

    public static BosunException limit(String message, Map<String, ?> details) {
        return new BosunException(ErrorCode.LIMIT_REACHED, message, details);
    }

    public static BosunException unavailable(String message, Throwable cause) {
        return new BosunException(ErrorCode.UNAVAILABLE, message, Map.of(), cause);
    }

    /**
     * The disk is full (or under the free-space floor): {@code message} says which and what still
     * works; {@code retryAfterSeconds} becomes the HTTP {@code Retry-After}.
     */
    public static BosunException diskFull(String message, long retryAfterSeconds, Map<String, ?> details) {
        var d = new LinkedHashMap<String, Object>(details);
        d.put("reason", "disk_full");
        d.put("retry_after_seconds", retryAfterSeconds);
        return new BosunException(ErrorCode.INSUFFICIENT_STORAGE, message, d);
    }

    public static BosunException internal(String message, Throwable cause) {
        return new BosunException(ErrorCode.INTERNAL, message, Map.of(), cause);
    }
}
