package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a delivery target is paused or down. */
public enum TargetCause implements WireEnum {
    AUTH("auth"),
    CRASH("crash"),
    UNREACHABLE("unreachable");

    private final String wire;

    TargetCause(String wire) {
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
    public static TargetCause fromWire(String value) {
        return WireEnum.fromWire(TargetCause.class, value);
    }
}
