package dev.bosun.session;

import dev.bosun.util.Enums;
import java.util.Locale;

/** How an ended session turned out, as in the holodeck design. */
public enum SessionOutcome {
    SUCCESS,
    FAILED,
    TIMEOUT,
    CANCELLED;

    /** The lower-case form used on the wire and in events ({@code "success"}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionOutcome parse(String field, String value) {
        return Enums.parse(SessionOutcome.class, field, value);
    }
}
