package dev.bosun.delivery;

import java.util.Locale;

/** What a delivery carries and where it goes. */
public enum DeliveryKind {
    /** A checkpoint tile for the PLATO server. */
    TILE,
    /** A checkpoint event for one webhook subscription. */
    WEBHOOK;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
