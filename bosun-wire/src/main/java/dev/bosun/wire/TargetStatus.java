package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a delivery target fares: {@code paused} is failing in a way retrying cannot fix. */
public enum TargetStatus implements WireEnum {
    UP("up"),
    DOWN("down"),
    PAUSED("paused");

    private final String wire;

    TargetStatus(String wire) {
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
    public static TargetStatus fromWire(String value) {
        return WireEnum.fromWire(TargetStatus.class, value);
    }
}
