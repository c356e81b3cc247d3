package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a session is in its life. */
public enum SessionStatus implements WireEnum {
    CREATING("creating"),
    RUNNING("running"),
    ENDED("ended");

    private final String wire;

    SessionStatus(String wire) {
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
    public static SessionStatus fromWire(String value) {
        return WireEnum.fromWire(SessionStatus.class, value);
    }
}
