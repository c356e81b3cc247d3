package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The checkpoint a tile was made from. */
public enum TileKind implements WireEnum {
    SESSION_START("session_start"),
    TASK_START("task_start"),
    TASK_END("task_end"),
    SESSION_END("session_end"),
    SESSION_ERROR("session_error"),
    EMERGENCE_ALERT("emergence_alert");

    private final String wire;

    TileKind(String wire) {
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
    public static TileKind fromWire(String value) {
        return WireEnum.fromWire(TileKind.class, value);
    }
}
