package dev.bosun.client;

import dev.bosun.wire.ErrorCode;
import java.util.Map;

/**
 * Every failure of a {@link BosunClient} call: the server's {@link ErrorCode}, message and details
 * when it answered with the error envelope ({@link dev.bosun.wire.ErrorEnvelope}), or the client's own
 * statement of what went wrong (UNAVAILABLE naming the URL, INVALID_ARGUMENT naming the field, INTERNAL
 * for an answer that broke the contract). A program branches on {@link #code()}, never on the message.
 */
public final class BosunClientException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public BosunClientException(ErrorCode code, String message, Map<String, ?> details) {
        this(code, message, details, null);
    }

    public BosunClientException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    /** INVALID_ARGUMENT about {@code field}, refused before anything was sent. */
    public static BosunClientException invalid(String field, String message) {
        return new BosunClientException(ErrorCode.INVALID_ARGUMENT, message, Map.of("field", field));
    }

    /** The stable code: the server's, or the client's own for a failure without an answer. */
    public ErrorCode code() {
        return code;
    }

    /** Structured facts such as {@code field}, {@code retry_after_seconds} or {@code http_status}; never null. */
    public Map<String, Object> details() {
        return details;
    }
}
