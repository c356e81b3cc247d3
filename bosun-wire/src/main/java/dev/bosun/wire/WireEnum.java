package dev.bosun.wire;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum of the wire: each constant has the one string the API sends and accepts for it. */
public interface WireEnum {
    /** The value on the wire. */
    String wire();

    /**
     * The constant of {@code type} whose wire value is {@code value}. Unknown values are refused
     * with the known ones listed, so a client reading a newer server's answer says what it met.
     */
    static <E extends Enum<E> & WireEnum> E fromWire(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(value)) return e;
        }
        throw new IllegalArgumentException("'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).collect(Collectors.joining(", ")));
    }
}
