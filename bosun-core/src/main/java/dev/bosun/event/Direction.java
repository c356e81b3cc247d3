package dev.bosun.event;

import java.util.Locale;

/** Who wrote an event: a client into the inbox (IN), the worker or agent (OUT), or Bosun (SYSTEM). */
public enum Direction {
    IN,
    OUT,
    SYSTEM;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
