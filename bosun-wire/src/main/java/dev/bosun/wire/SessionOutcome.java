package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a session ended, as its agent or the server says. */
public enum SessionOutcome implements WireEnum {
    SUCCESS("success"),
    FAILED("failed"),
    TIMEOUT("timeout"),
    CANCELLED("cancelled");

    private final String wire;

    SessionOutcome(String wire) {
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
    public static SessionOutcome fromWire(String value) {
        return WireEnum.fromWire(SessionOutcome.class, value);
    }
}
