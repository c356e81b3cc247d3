package dev.bosun.config;

/**
 * One configured value as it was given, before parsing, and where it was given. The origin travels
 * with the value so that an error can say which layer to fix: with four layers, "idle_timeout is out
 * of range" alone leaves the operator guessing whether the file or an environment variable won.
 *
 * @param value  a YAML/JSON-shaped value ({@code String}, integer, {@code Double}, {@code Boolean},
 *               {@code Map}, {@code List}, null) or, from code, a {@code Duration}, {@code Path} or
 *               {@code Profile}
 * @param origin where it came from, e.g. {@code environment variable BOSUN_TTL}
 */
record RawValue(Object value, String origin) {

    /** A value nested inside this one (a profile's field); it shares the origin. */
    RawValue child(Object nested) {
        return new RawValue(nested, origin);
    }

    /** The suffix every error message ends with. */
    String where() {
        return " (from " + origin + ")";
    }
}
