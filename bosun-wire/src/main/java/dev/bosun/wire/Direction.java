package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who wrote an event: {@code in} to the agent, {@code out} from it, {@code system} by Bosun. */
public enum Direction implements WireEnum {
    IN("in"),
    OUT("out"),
    SYSTEM("system");

    private final String wire;

    Direction(String wire) {
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
    public static Direction fromWire(String value) {
        return WireEnum.fromWire(Direction.class, value);
    }
}
