package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a tile's or webhook delivery's delivery stands. */
public enum DeliveryState implements WireEnum {
    PENDING("pending"),
    DELIVERED("delivered"),
    REJECTED("rejected"),
    DEAD("dead"),
    LOCAL("local");

    private final String wire;

    DeliveryState(String wire) {
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
    public static DeliveryState fromWire(String value) {
        return WireEnum.fromWire(DeliveryState.class, value);
    }
}
