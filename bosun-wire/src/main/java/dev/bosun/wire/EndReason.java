package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a session ended. */
public enum EndReason implements WireEnum {
    COMPLETED("completed"),
    TERMINATED("terminated"),
    EXPIRED_IDLE("expired_idle"),
    EXPIRED_TTL("expired_ttl"),
    STARTUP_FAILED("startup_failed"),
    WORKER_EXITED("worker_exited"),
    WORKER_LOST("worker_lost"),
    WORKSPACE_QUOTA_EXCEEDED("workspace_quota_exceeded");

    private final String wire;

    EndReason(String wire) {
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
    public static EndReason fromWire(String value) {
        return WireEnum.fromWire(EndReason.class, value);
    }
}
