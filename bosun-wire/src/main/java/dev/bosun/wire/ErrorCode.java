package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The stable code of an error envelope; a program branches on it, never on the message. */
public enum ErrorCode implements WireEnum {
    INVALID_ARGUMENT("INVALID_ARGUMENT"),
    UNAUTHENTICATED("UNAUTHENTICATED"),
    NOT_FOUND("NOT_FOUND"),
    CONFLICT("CONFLICT"),
    NO_CAPABLE_AGENT("NO_CAPABLE_AGENT"),
    PAYLOAD_TOO_LARGE("PAYLOAD_TOO_LARGE"),
    LIMIT_REACHED("LIMIT_REACHED"),
    SESSIONS_DISABLED("SESSIONS_DISABLED"),
    UNSUPPORTED_MEDIA_TYPE("UNSUPPORTED_MEDIA_TYPE"),
    FORBIDDEN("FORBIDDEN"),
    URI_TOO_LONG("URI_TOO_LONG"),
    HEADERS_TOO_LARGE("HEADERS_TOO_LARGE"),
    UNAVAILABLE("UNAVAILABLE"),
    INSUFFICIENT_STORAGE("INSUFFICIENT_STORAGE"),
    IDEMPOTENCY_KEY_REUSED("IDEMPOTENCY_KEY_REUSED"),
    IDEMPOTENCY_KEY_IN_PROGRESS("IDEMPOTENCY_KEY_IN_PROGRESS"),
    INTERNAL("INTERNAL");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    /** The constant whose wire value is {@code value}; IllegalArgumentException naming the known ones otherwise. */
    @JsonCreator
    public static ErrorCode fromWire(String value) {
        return WireEnum.fromWire(ErrorCode.class, value);
    }
}
