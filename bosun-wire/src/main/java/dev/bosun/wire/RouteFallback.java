package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What {@code POST /v1/route} does when no agent has every required capability. */
public enum RouteFallback implements WireEnum {
    ERROR("error"),
    ANY("any");

    private final String wire;

    RouteFallback(String wire) {
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
    public static RouteFallback fromWire(String value) {
        return WireEnum.fromWire(RouteFallback.class, value);
    }
}
