package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A checkpoint event type a webhook subscribes to; {@code *} is all of them. */
public enum CheckpointEventType implements WireEnum {
    SESSION_STARTED("session_started"),
    TASK_STARTED("task_started"),
    TASK_COMPLETED("task_completed"),
    SESSION_ENDED("session_ended"),
    ERROR("error"),
    EMERGENCE_ALERT("emergence_alert"),
    ALL("*");

    private final String wire;

    CheckpointEventType(String wire) {
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
    public static CheckpointEventType fromWire(String value) {
        return WireEnum.fromWire(CheckpointEventType.class, value);
    }
}
