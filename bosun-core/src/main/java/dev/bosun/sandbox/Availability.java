package dev.bosun.sandbox;

/** Whether a runtime can start workers on this machine, and if not, why (for {@code bosun doctor}). */
public record Availability(boolean usable, String detail) {
    public static Availability ok(String detail) {
        return new Availability(true, detail);
    }

    public static Availability no(String why) {
        return new Availability(false, why);
    }
}
