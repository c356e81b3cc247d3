package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a task ended, as given to its completion. */
public enum TaskOutcome implements WireEnum {
    SUCCESS("success"),
    FAILED("failed"),
    CANCELLED("cancelled"),
    TIMEOUT("timeout");

    private final String wire;

    TaskOutcome(String wire) {
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
    public static TaskOutcome fromWire(String value) {
        return WireEnum.fromWire(TaskOutcome.class, value);
    }
}
