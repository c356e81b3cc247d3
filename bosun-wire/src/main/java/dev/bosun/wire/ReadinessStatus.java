package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether the server can serve. */
public enum ReadinessStatus implements WireEnum {
    READY("ready"),
    NOT_READY("not_ready");

    private final String wire;

    ReadinessStatus(String wire) {
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
    public static ReadinessStatus fromWire(String value) {
        return WireEnum.fromWire(ReadinessStatus.class, value);
    }
}
